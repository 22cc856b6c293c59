from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.permissions import is_enterprise_user, sees_everything


class FinanceConfig(AppConfig):
    name = "kechuang.finance"
    label = "finance"
    workspace = "kechuang.finance.workspace.work_items"
    verbose_name = _("Listing and innovation finance")
    profile_sections = ["kechuang.finance.profile.finance_section"]
    nav = [
        (_("Listing and finance"), "finance:overview"),
        (_("Listing reserve pool"), "finance:pool", sees_everything),
        (_("Listing candidates"), "finance:candidates"),
        (_("Financing demands"), "finance:demands"),
        (_("Financing products"), "finance:products", sees_everything),
        (_("Funds"), "finance:funds"),
        (_("Innovation points"), "finance:points", sees_everything),
        (_("My listing and financing"), "finance:mine", is_enterprise_user),
    ]
