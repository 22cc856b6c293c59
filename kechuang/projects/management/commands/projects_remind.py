"""kechuang projects_remind [--as-of YYYY-MM-DD]

Sends the reminders due on the date (run daily from cron; running it twice sends nothing new): silent
targets of a collection round a week before its deadline and on it, holders of progress reports due
within a week or overdue."""
from django.core.management.base import BaseCommand

from kechuang.core.audit import acting_as
from kechuang.core.clock import add_as_of_argument, as_of_option
from kechuang.projects import services


class Command(BaseCommand):
    help = "S&T projects: send the reminders of collection rounds and progress reports due on the date."

    def add_arguments(self, parser):
        add_as_of_argument(parser, help="the date to remind as of, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        with acting_as("projects"):
            sent = services.send_reminders(as_of_option(options.get("as_of")))
        self.stdout.write(f"定期收集提醒 {sent['rounds']} 条，进展报告提醒 {sent['reports']} 条")
