from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = _("Core")
    nav = []

    def ready(self):
        from kechuang.core import signals  # noqa: F401  (connects login/logout audit receivers)
