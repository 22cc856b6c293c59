import io
import json

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from kechuang.core.clock import add_as_of_argument, as_of_option
from kechuang.registry.services import alerts


class Command(BaseCommand):
    help = "Monitoring alerts: expiring certificates, missing yearly data, departed enterprises, falling R&D ratio."

    def add_arguments(self, parser):
        add_as_of_argument(parser, help="date to evaluate on, YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, as_of=None, format="table", **options):
        date = as_of_option(as_of)
        found = alerts(date)
        if format == "json":
            self.stdout.write(json.dumps({"as_of": date.isoformat(), "alerts": [a.as_dict() for a in found]}, ensure_ascii=False, indent=2))
            return
        table = Table(title=f"{len(found)} alerts as of {date.isoformat()}")
        for header in ("alert", "USCC", "enterprise", "detail"):
            table.add_column(header)
        for alert in found:
            table.add_row(alert.kind_label, alert.uscc, alert.enterprise_name, alert.detail)
        buffer = io.StringIO()
        Console(file=buffer, width=160, no_color=True).print(table)
        self.stdout.write(buffer.getvalue(), ending="")
