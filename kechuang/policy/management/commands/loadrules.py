from django.core.management.base import BaseCommand, CommandError

from kechuang.policy.rules import RuleSetError


class Command(BaseCommand):
    help = "Load and validate every rule-set file (shipped and POLICY_EXTRA_RULESET_DIRS) into the database."

    def handle(self, *args, **options):
        from kechuang.policy.services import sync_rulesets

        try:
            rows = sync_rulesets()
        except RuleSetError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for row in rows:
            self.stdout.write(f"{row.key} {row.version}  {row.name}  {row.document_number}  "
                              f"criteria {row.criteria_count}, verified {row.verified_count}, "
                              f"provisional {row.provisional_count}")
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} rule sets loaded"))
