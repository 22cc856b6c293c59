from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "kechuang.vouchers"
    label = "vouchers"
    workspace = "kechuang.vouchers.workspace.work_items"
    verbose_name = _("Innovation vouchers")
    profile_sections = ["kechuang.vouchers.profile.claims_section"]
    nav = [
        (_("Innovation vouchers"), "vouchers:workspace"),
        (_("Service catalogue"), "vouchers:catalogue"),
        (_("Voucher statistics"), "vouchers:statistics"),
    ]
