"""kechuang close_challenges [--as-of YYYY-MM-DD]: close every challenge whose deadline passed with no
winner, returning its demand to the pool. Run daily (cron); running it twice changes nothing."""
from django.core.management.base import BaseCommand

from kechuang.core.audit import acting_as
from kechuang.core.clock import add_as_of_argument, as_of_option
from kechuang.techmarket.services import close_overdue_challenges


class Command(BaseCommand):
    help = "Close open challenges past their deadline with no winner; their demands return to the pool."

    def add_arguments(self, parser):
        add_as_of_argument(parser, help="the date to judge deadlines by, YYYY-MM-DD (default: today)")

    def handle(self, *args, as_of=None, **options):
        with acting_as("close_challenges"):
            closed = close_overdue_challenges(as_of_option(as_of))
        self.stdout.write(f"已关闭 {closed} 个逾期未揭榜项目，需求已退回需求库")
