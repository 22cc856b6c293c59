from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.choices import Role


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = _("Core")
    nav = [(_("Audit log"), "core:audit-log", (Role.AUDITOR,))]

    def ready(self):
        from kechuang.core import signals  # noqa: F401  (connects login/logout audit receivers)
