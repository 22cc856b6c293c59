import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kechuang.plan.services import send_reminders


class Command(BaseCommand):
    help = "Notify liaisons (in-app and by e-mail) of progress reports due soon and overdue; each reminder once."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, as_of, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
        except ValueError:
            raise CommandError(f"--as-of 应为 YYYY-MM-DD，实际为「{as_of}」") from None
        result = send_reminders(day)
        self.stdout.write(f"{result['notifications']} 条提醒，{result['emails']} 封邮件")
