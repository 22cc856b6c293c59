"""kechuang vouchers load FILE… | load --builtin | expire [--as-of YYYY-MM-DD]

`load` validates each scheme file (a bad file names file, line and key, and nothing is written) and stores
it with its ledger account; `expire` releases the reservations of approvals not redeemed in time (run
daily from cron; running it twice changes nothing)."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kechuang.core.audit import acting_as
from kechuang.core.ledger import LedgerRefused
from kechuang.vouchers import schemes, services
from kechuang.vouchers.schemes import SchemeFileError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of 应为日期 YYYY-MM-DD，而不是「{text}」") from None


class Command(BaseCommand):
    help = "Innovation voucher schemes: load scheme files; expire approvals past their validity."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load scheme YAML files")
        load.add_argument("files", nargs="*")
        load.add_argument("--builtin", action="store_true", help="the scheme files shipped with Kechuang")
        expire = sub.add_parser("expire", help="expire approvals not redeemed in time")
        expire.add_argument("--as-of", dest="as_of", type=_date, help="the date to judge validity by (default: today)")

    def handle(self, *args, action, **options):
        with acting_as("vouchers"):
            if action == "load":
                self._load(options["files"], options["builtin"])
            else:
                count = services.expire_approvals(options.get("as_of"))
                self.stdout.write(f"已过期 {count} 个未按期兑付的申领，预留额度已释放")

    def _load(self, files, builtin):
        paths = sorted(schemes.BUILTIN_DIR.glob("*.yaml")) if builtin else list(files)
        if not paths:
            raise CommandError("请给出券种文件，或使用 --builtin")
        try:
            specs = [schemes.read(path) for path in paths]
            with transaction.atomic():
                stored = [schemes.store(spec) for spec in specs]
        except (SchemeFileError, LedgerRefused) as error:
            raise CommandError(str(error)) from None
        for scheme, created in stored:
            self.stdout.write(f"{'新增' if created else '更新'} {scheme.code} {scheme.name}：预算 {scheme.budget} 万元")
