"""`kechuang demo`: build the demo district (thin: the parts come from each app's `demo.py`, see
`kechuang.demo`)."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kechuang import demo
from kechuang.core.demo import DEMO_PASSWORD, demo_logins, demo_users_exist
from kechuang.registry.models import Enterprise

DEFAULT_AS_OF = date(2026, 6, 30)


class Command(BaseCommand):
    help = _(
        "Build a deterministic demo district: the same --enterprises, --seed and --as-of always give the "
        "same data. The default --as-of is the fixed date 2026-06-30 (not today), so the default run is "
        "reproducible. Refuses to run on a registry that already holds enterprises."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=2000, help=_("number of enterprises (default 2000)"))
        parser.add_argument("--seed", default="2021", help=_("random seed (default 2021)"))
        parser.add_argument(
            "--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF,
            help=_("the demo's today, YYYY-MM-DD (default 2026-06-30, fixed so the run is reproducible)"),
        )
        parser.add_argument(
            "--force", action="store_true",
            help=_("add the demo next to enterprises already registered (never twice: refused once the demo logins exist)"),
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help=_("build only when the registry is empty; otherwise just print the demo logins present"),
        )

    def handle(self, *args, enterprises, seed, as_of, force, if_empty, **options):
        if enterprises < 1:
            raise CommandError(_("--enterprises must be at least 1"))
        if if_empty and (demo_users_exist() or Enterprise.objects.exists()):
            return self.print_logins()
        if demo_users_exist():
            raise CommandError(_("The demo district is already loaded (its logins exist); nothing was added."))
        if Enterprise.objects.exists() and not force:
            raise CommandError(_("The registry already holds enterprises; nothing was added. Use --force to add the demo district next to them."))
        self.stdout.write(_("Building the demo district: %(n)d enterprises, seed %(seed)s, as of %(as_of)s") % {"n": enterprises, "seed": seed, "as_of": as_of})
        for part in demo.build(enterprises, seed, as_of, self.stdout):
            self.stdout.write(f"  {part.name}: {part.seconds:.1f} s")
        self.print_logins()

    def print_logins(self):
        present = demo_logins()
        if not present:
            self.stdout.write(_("No demo logins in this database."))
            return
        self.stdout.write(_("Demo logins (password for all: %(password)s)") % {"password": DEMO_PASSWORD})
        for login in present:
            self.stdout.write(f"  {login.username:<12} {login.role.label}")
