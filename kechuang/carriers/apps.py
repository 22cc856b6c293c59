from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarriersConfig(AppConfig):
    name = "kechuang.carriers"
    label = "carriers"
    workspace = "kechuang.carriers.workspace.work_items"
    verbose_name = _("Innovation carriers and events")
    profile_sections = ["kechuang.carriers.profile.carriers_section"]
    nav = [
        (_("Innovation carriers"), "carriers:list"),
        (_("Incubation chain"), "carriers:chain"),
        (_("Carrier evaluation"), "carriers:evaluation"),
        (_("Innovation events"), "carriers:events"),
    ]
