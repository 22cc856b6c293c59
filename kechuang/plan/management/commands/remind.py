from django.core.management.base import BaseCommand

from kechuang.core.clock import add_as_of_argument, as_of_option
from kechuang.plan.services import send_reminders


class Command(BaseCommand):
    help = "Notify liaisons (in-app and by e-mail) of progress reports due soon and overdue; each reminder once."

    def add_arguments(self, parser):
        add_as_of_argument(parser)

    def handle(self, *args, as_of, **options):
        day = as_of_option(as_of)
        result = send_reminders(day)
        self.stdout.write(f"{result['notifications']} 条提醒，{result['emails']} 封邮件")
