from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = _("Core")
    url_prefix = ""  # its pages are at the root of the site
    nav = [(_("Audit log"), "core:audit-log")]

    def ready(self):
        from kechuang.core import backoffice, signals  # noqa: F401  (connect the audit and is_staff receivers)
        from kechuang.core.imports import importers

        signals.connect_membership_audit()
        importers()  # merges every app's IMPORTERS now, so that a kind declared twice stops start-up
