"""kechuang deliver [--limit N]: send the e-mails in the outbox that are due. Run it every minute
from cron; two runs at once never send the same e-mail twice, and a failed send is retried later."""
from django.core.management.base import BaseCommand

from kechuang.core.notifications import deliver


class Command(BaseCommand):
    help = "Send the outbox e-mails that are due; failures are retried later with a growing delay."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="send at most this many in this run")

    def handle(self, *args, limit=None, **options):
        result = deliver(limit=limit)
        self.stdout.write(f"已发送 {result.sent} 封，稍后重试 {result.retried} 封，放弃 {result.failed} 封")
