import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.core import audit_seal
from kechuang.core.audit import verify_chain
from kechuang.core.audit_archive import ArchiveRefused, archive_before, verify_archive

WHAT = {
    "altered": "altered (its digest does not match its content or the entry before)",
    "forged": "re-sealed without the key (its MAC does not match)",
    "missing": "removed (the chain head recorded outside the database is further on)",
    "not an archive": "not found: the file is not a Kechuang audit archive",
}


class Command(BaseCommand):
    help = (
        "The audit trail. `audit verify` walks the hash chain, checks each entry's MAC and the head written "
        "outside the database, and reports the first point of disagreement; `audit verify --archive FILE` "
        "checks an archive file on its own; `audit archive --before D --out FILE` moves entries older than "
        "D (and than the retention period) to FILE, verifies it, then removes them; `audit head` prints the "
        "chain head to compare with syslog."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "archive", "head"])
        parser.add_argument("--archive", type=Path, help="verify this archive file instead of the database")
        parser.add_argument("--before", type=dt.date.fromisoformat, help="archive entries made before this date")
        parser.add_argument("--out", type=Path, help="the archive file to write")

    def handle(self, *args, action, **options):
        if action == "head":
            head = audit_seal.read_head_file()
            self.stdout.write("no head file" if head is None else f"{head.sequence} {head.digest} {head.mac}")
            return
        if action == "archive":
            if options["before"] is None or options["out"] is None:
                raise CommandError("audit archive needs --before YYYY-MM-DD and --out FILE")
            try:
                count = archive_before(options["before"], options["out"])
            except ArchiveRefused as refusal:
                raise CommandError(str(refusal)) from refusal
            self.stdout.write(f"archived {count} entries to {options['out']}")
            return
        result = verify_archive(options["archive"]) if options["archive"] else verify_chain()
        if result.ok:
            anchored = f", head matches {result.anchored_by}" if result.anchored_by else ""
            self.stdout.write(f"OK: {result.checked} entries verified{anchored}")
            if not options["archive"] and not result.anchored_by:
                self.stdout.write("warning: no head file: the chain is checked against the database alone")
            return
        self.stderr.write(
            f"FAILED: entry #{result.first_bad_sequence} was {WHAT.get(result.reason, result.reason)} "
            f"({result.checked} entries before it verified)"
        )
        raise SystemExit(1)
