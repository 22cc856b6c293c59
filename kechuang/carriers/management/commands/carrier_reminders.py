"""Remind carrier operators of yearly reports due within the next days or overdue (run daily)."""
from django.core.management.base import BaseCommand

from kechuang.carriers.services import remind
from kechuang.core import clock


class Command(BaseCommand):
    help = "Remind carrier operators of yearly 火炬统计 reports due soon or overdue."

    def add_arguments(self, parser):
        clock.add_as_of_argument(parser)
        parser.add_argument("--days", type=int, default=14, help="remind this many days before the due date")

    def handle(self, *args, as_of=None, days=14, **options):
        sent = remind(clock.as_of_option(as_of), days)
        self.stdout.write(f"{sent} reminders\n")
