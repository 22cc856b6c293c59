from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kechuang.core.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Write the whole database to FILE: SQLite's online backup, or pg_dump --format=custom on "
            "PostgreSQL. Safe while the site runs; `kechuang restore FILE` reads it back.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{connection.vendor} → {file} ({file.stat().st_size:,} bytes)")
