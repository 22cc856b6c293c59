from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TechmarketConfig(AppConfig):
    name = "kechuang.techmarket"
    label = "techmarket"
    verbose_name = _("Technology market")
    nav = []
