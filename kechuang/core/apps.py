from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = _("Core")
    url_prefix = ""  # its pages are at the root of the site
    nav = [(_("Audit log"), "core:audit-log")]

    def ready(self):
        from kechuang.core import backoffice, signals  # noqa: F401  (connect the audit and is_staff receivers)
        from kechuang.core.dbstats import refresh_after_migrate
        from kechuang.core.imports import importers

        signals.connect_membership_audit()
        importers()  # merges every app's IMPORTERS now, so that a kind declared twice stops start-up
        from kechuang.core.reference import restore_reference_tables

        post_migrate.connect(restore_reference_tables, sender=self, dispatch_uid="core-reference-tables")
        post_migrate.connect(refresh_after_migrate, sender=self, dispatch_uid="kechuang.core.dbstats")
