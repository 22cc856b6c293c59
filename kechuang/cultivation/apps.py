from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.choices import Role

STAFF = (Role.OFFICER, Role.LEADER)


class CultivationConfig(AppConfig):
    name = "kechuang.cultivation"
    label = "cultivation"
    verbose_name = _("Cultivation")
    nav = [
        (_("Cultivation pipeline"), "cultivation:overview", STAFF),
        (_("Funnel"), "cultivation:funnel", STAFF),
        (_("Benefits without application"), "cultivation:free_benefits", STAFF),
        (_("My path"), "cultivation:path_start", (Role.ENTERPRISE,)),
    ]
