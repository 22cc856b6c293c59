import json

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from kechuang.core.clock import add_as_of_argument, as_of_option
from kechuang.plan.evaluation import read_plan
from kechuang.plan.models import Plan


class Command(BaseCommand):
    help = "Print a plan's indicators as of a date: code, name, unit, target, year_target, actual, progress, status."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="plan code, e.g. eco-city-2020-2022")
        add_as_of_argument(parser)
        parser.add_argument("--format", choices=("json", "table"), default="json")

    def handle(self, *args, plan, as_of, format, **options):
        day = as_of_option(as_of)
        found = Plan.objects.filter(code=plan).first()
        if found is None:
            raise CommandError(f"没有代码为「{plan}」的计划")
        rows = [reading.as_dict() for reading in read_plan(found, day, with_forecast=False)]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table(title=f"{found.name} · {day.isoformat()}")
        for header in ("code", "name", "unit", "target", "year_target", "actual", "progress", "status"):
            table.add_column(header, justify="right" if header in ("target", "year_target", "actual", "progress") else "left")
        for row in rows:
            table.add_row(*("—" if row[key] is None else str(row[key]) for key in row))
        Console(file=self.stdout, width=160).print(table)
