from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.choices import Role

STAFF = (Role.OFFICER, Role.LEADER)
MARKET_USERS = (Role.OFFICER, Role.LEADER, Role.ENTERPRISE, Role.INSTITUTION)


class TechmarketConfig(AppConfig):
    name = "kechuang.techmarket"
    label = "techmarket"
    verbose_name = _("Technology market")
    nav = [
        (_("Technology market"), "techmarket:overview", STAFF),
        (_("Achievements"), "techmarket:achievements", MARKET_USERS),
        (_("Demands"), "techmarket:demands", MARKET_USERS),
        (_("Matches"), "techmarket:matches", STAFF),
        (_("Open challenges"), "techmarket:challenges", ()),
        (_("Technology contracts"), "techmarket:contracts", (Role.OFFICER, Role.LEADER, Role.ENTERPRISE)),
    ]

    def ready(self):
        from kechuang.techmarket import matcher  # noqa: F401  connects the handlers that index every save
