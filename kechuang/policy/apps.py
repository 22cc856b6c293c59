from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "kechuang.policy"
    label = "policy"
    verbose_name = _("Policy rule sets")
    nav = []

    def ready(self):
        # Load and validate every rule-set file now (no database access): a malformed file stops
        # start-up with its file, line and key. The database copy is synced after migrate and by
        # `kechuang loadrules`.
        from django.core.exceptions import ImproperlyConfigured

        from kechuang.policy.rules import RuleSetError, default_registry

        try:
            default_registry(refresh=True)
        except RuleSetError as exc:
            raise ImproperlyConfigured(f"policy rule set refused: {exc}") from exc
        post_migrate.connect(_sync_after_migrate, sender=self)


def _sync_after_migrate(sender, using="default", **kwargs):
    from kechuang.core.audit import installing
    from kechuang.policy.services import sync_rulesets

    with installing():
        sync_rulesets(using=using)
