from django.core.management.base import BaseCommand

from kechuang.core.dbstats import refresh


class Command(BaseCommand):
    help = "Refresh the database's planner statistics (ANALYZE; PRAGMA optimize on SQLite). Run it nightly."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        seconds = refresh(database)
        self.stdout.write(f"Statistics refreshed in {seconds:.2f} s")
