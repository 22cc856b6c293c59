"""kechuang template KIND [-o FILE]: an empty import template with a sheet explaining each column."""
from pathlib import Path

from django.core.management.base import BaseCommand

from kechuang.core.imports import importer_for, importers, template_workbook


class Command(BaseCommand):
    help = "Write an empty .xlsx import template for KIND."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importers()))
        parser.add_argument("-o", "--output", type=Path, help="default: <KIND>-template.xlsx")

    def handle(self, kind, output, **options):
        output = output or Path(f"{kind}-template.xlsx")
        output.write_bytes(template_workbook(importer_for(kind)))
        self.stdout.write(str(output))
