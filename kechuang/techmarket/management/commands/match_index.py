"""kechuang match_index rebuild|missing|status

The matching index lives in the achievement and demand rows (kechuang.techmarket.matcher); every save
keeps it in step. `rebuild` recomputes it for every row (after a dictionary, map or encoder change),
batch by batch, each batch its own transaction, so pages keep answering from the old or the new index
while it runs; then it counts each term's document frequency (the query's idf) and trains the coarse quantiser
of each side that has at least `--cells-from` vectors. `missing` indexes only rows never indexed (rows written in bulk). `status` counts.
"""

from __future__ import annotations

import math

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from kechuang.techmarket.matcher import index
from kechuang.techmarket.models import Achievement, Demand, MatchCentroid

SIDES = ((Achievement, "成果"), (Demand, "需求"))


class Command(BaseCommand):
    help = "重建或补建技术匹配索引（分词全文索引与语义向量），或查看索引状态"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("rebuild", "missing", "status"))
        parser.add_argument("--cells-from", type=int, default=20000,
                            help="一侧向量数达到此值时训练粗量化中心（默认 20000）")

    def handle(self, *args, action: str, cells_from: int, **opts) -> None:
        if action == "status":
            for model, label in SIDES:
                rows = model.objects.all()
                self.stdout.write(
                    f"{label}：共 {rows.count()} 条，已索引 {rows.exclude(match_terms='').count()} 条，"
                    f"有向量 {rows.filter(match_vector__isnull=False).count()} 条，"
                    f"粗量化中心 {MatchCentroid.objects.filter(kind=model._meta.model_name).count()} 个"
                )
            return
        if connection.vendor == "postgresql":  # counting and assigning cells are long single statements at scale
            with connection.cursor() as cur:
                cur.execute("SET statement_timeout = 0")
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()) as bar:
            for model, label in SIDES:
                rows = model.objects.all() if action == "rebuild" else model.objects.filter(match_terms="")
                task = bar.add_task(f"索引{label}", total=rows.count())
                index.index_rows(model, rows, progress=lambda n, task=task: bar.advance(task, n))
        if action == "rebuild":
            for model, label in SIDES:
                self.stdout.write(f"{label}：统计词频 {index.count_terms(model)} 个词")
                n = model.objects.filter(match_vector__isnull=False).count()
                if n >= cells_from:
                    cells = index.train_cells(model, cells=int(math.sqrt(n)))
                    self.stdout.write(f"{label}：训练粗量化中心 {cells} 个")
        self.stdout.write(self.style.SUCCESS("匹配索引已更新"))
