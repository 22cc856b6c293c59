from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kechuang.core.clock import add_as_of_argument, as_of_option


class Command(BaseCommand):
    help = "Screen every enterprise against every rule set (vectorised) and store the results."

    def add_arguments(self, parser):
        add_as_of_argument(parser, help="screening date YYYY-MM-DD (default: today)")

    def handle(self, as_of=None, **options):
        from kechuang.policy.services import screen

        as_of = as_of_option(as_of)
        console = Console(file=self.stdout, force_terminal=False)
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=console, transient=True) as bar:
            tasks = {}

            def progress(stage, done, total):
                label = {"enterprises": "企业画像与规则集评价"}[stage]
                if stage not in tasks:
                    tasks[stage] = bar.add_task(label, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            run = screen(as_of, progress=progress)
        table = Table(title=f"筛查 {run.as_of.isoformat()} · 企业 {run.counts['enterprises']} 家")
        for col in ("规则集", "版本", "符合", "需复核", "不符合", "差1–2项", "新符合", "资格风险"):
            table.add_column(col, justify="right" if col not in ("规则集", "版本") else "left")
        for key, c in run.counts["rulesets"].items():
            table.add_row(key, c["version"], str(c["eligible"]), str(c["needs_review"]), str(c["ineligible"]),
                          str(c["within_reach"]), str(c["newly_eligible"]), str(c["at_risk"]))
        console.print(table)
