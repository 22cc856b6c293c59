import time

from django.core.management.base import BaseCommand

from kechuang.core.dbstats import refresh_statistics


class Command(BaseCommand):
    help = "Refresh the database's planner statistics (ANALYZE). Run it nightly and after bulk changes."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        started = time.monotonic()
        refresh_statistics(database)
        self.stdout.write(f"Statistics refreshed in {time.monotonic() - started:.2f} s")
