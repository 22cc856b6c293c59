"""kechuang close_challenges [--today YYYY-MM-DD]: close every challenge whose deadline passed with no
winner, returning its demand to the pool. Run daily (cron); running it twice changes nothing."""
import datetime as dt

from django.core.management.base import BaseCommand

from kechuang.core.audit import acting_as
from kechuang.techmarket.services import close_overdue_challenges


class Command(BaseCommand):
    help = "Close open challenges past their deadline with no winner; their demands return to the pool."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, help="the date to judge deadlines by (default: today)")

    def handle(self, *args, today=None, **options):
        with acting_as("close_challenges"):
            closed = close_overdue_challenges(today)
        self.stdout.write(f"已关闭 {closed} 个逾期未揭榜项目，需求已退回需求库")
