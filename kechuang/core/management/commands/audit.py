from django.core.management.base import BaseCommand

from kechuang.core.audit import verify_chain


class Command(BaseCommand):
    help = "The audit trail. `audit verify` walks the hash chain and reports the first altered or removed entry."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(f"OK: {result.checked} entries verified")
            return
        what = "altered" if result.reason == "altered" else "removed"
        self.stderr.write(
            f"FAILED: entry #{result.first_bad_sequence} was {what} "
            f"({result.checked} entries before it verified)"
        )
        raise SystemExit(1)
