"""kechuang evaluate RULESET FILE [--as-of YYYY-MM-DD]

FILE holds one JSON profile, or JSON lines (one profile per line); '-' reads standard input.
Prints one JSON result per profile, one per line. An invalid profile exits with status 2 and a
message naming the field."""
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from kechuang.core.clock import add_as_of_argument, as_of_option
from kechuang.policy.rules import ProfileError, UnknownRuleSet, default_registry


def read_profiles(text: str):
    text = text.strip()
    if not text:
        raise CommandError("no profile given", returncode=2)
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict):
        return [whole]
    if isinstance(whole, list):
        return whole
    profiles = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            profiles.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise CommandError(f"line {n}: not valid JSON: {exc.msg}", returncode=2) from exc
    return profiles


class Command(BaseCommand):
    help = "Evaluate enterprise profiles (JSON / JSON lines) against a rule set; one JSON result per line."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("ruleset", help="rule-set key, e.g. tsme, hnte, chuying")
        parser.add_argument("file", help="profile file (JSON or JSON lines); - for standard input")
        add_as_of_argument(parser, help="evaluation date YYYY-MM-DD (default: today)")

    def handle(self, ruleset, file, as_of=None, **options):
        as_of = as_of_option(as_of)
        try:
            rs = default_registry().get(ruleset, as_of=as_of)
        except UnknownRuleSet as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if file == "-":
            text = sys.stdin.read()
        else:
            try:
                with open(file, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError as exc:
                raise CommandError(f"{file}: {exc.strerror}", returncode=2) from exc
        profiles = read_profiles(text)
        for n, profile in enumerate(profiles, 1):
            try:
                result = rs.evaluate(profile, as_of)
            except ProfileError as exc:
                where = f"profile {n}: " if len(profiles) > 1 else ""
                raise CommandError(f"{where}invalid profile: {exc.field}: {exc.reason}", returncode=2) from exc
            self.stdout.write(json.dumps(result, ensure_ascii=False))
