from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "kechuang.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")
    url_prefix = ""  # its pages are at the root of the site
    nav = []
