from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.permissions import is_enterprise_user


class CultivationConfig(AppConfig):
    name = "kechuang.cultivation"
    label = "cultivation"
    verbose_name = _("Cultivation")
    # Each item shows when its page's predicate admits the user (kechuang.core.navigation); a third
    # element narrows the menu to the item's audience.
    nav = [
        (_("Cultivation pipeline"), "cultivation:overview"),
        (_("Funnel"), "cultivation:funnel"),
        (_("Benefits without application"), "cultivation:free_benefits"),
        (_("My path"), "cultivation:path_start", is_enterprise_user),
    ]
