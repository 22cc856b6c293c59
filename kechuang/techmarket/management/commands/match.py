"""kechuang match --demands D.csv --achievements A.csv --top K

Matches demands to achievements from two CSV files (header ``id,title,description,keywords``),
outside the database. Prints one JSON line per demand, in input order. A bad file prints a Chinese
message naming file, row and column to stderr, nothing to stdout, and exits with status 2.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "按需求 CSV 与成果 CSV 计算技术匹配，输出 JSON Lines（每个需求一行）"
    requires_system_checks = []  # a file tool: stdout/stderr carry only its own output

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demands", required=True, help="需求 CSV（表头 id,title,description,keywords）")
        parser.add_argument("--achievements", required=True, help="成果 CSV（表头 id,title,description,keywords）")
        parser.add_argument("--top", type=int, default=10, help="每个需求输出的成果数（默认 10）")

    def handle(self, *args, **opts) -> None:
        from kechuang.techmarket.matching import MatchEngine
        from kechuang.techmarket.matching.csvio import CsvError, read_records

        if opts["top"] < 1:
            self._fail("--top 必须是正整数")
        try:
            demands = read_records(opts["demands"])
            achievements = read_records(opts["achievements"])
        except CsvError as e:
            self._fail(str(e))
        engine = MatchEngine()
        engine.bulk_achievements(achievements)
        lines = []
        for d in demands:
            matches = engine.match_demand(d, top=opts["top"])
            lines.append(json.dumps({"demand": d.id, "matches": [m.as_dict("achievement") for m in matches]}, ensure_ascii=False))
        self.stdout.write("\n".join(lines)) if lines else None

    def _fail(self, message: str) -> None:
        # not CommandError: its exit status is 1 and call_command would raise instead of exiting
        self.stderr.write(message)
        sys.exit(2)
