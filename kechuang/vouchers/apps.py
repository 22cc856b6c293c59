from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.choices import Role

VOUCHER_USERS = (Role.OFFICER, Role.LEADER, Role.ENTERPRISE, Role.PROVIDER)


class VouchersConfig(AppConfig):
    name = "kechuang.vouchers"
    label = "vouchers"
    verbose_name = _("Innovation vouchers")
    profile_sections = ["kechuang.vouchers.profile.claims_section"]
    nav = [
        (_("Innovation vouchers"), "vouchers:workspace", VOUCHER_USERS),
        (_("Service catalogue"), "vouchers:catalogue", ()),
        (_("Voucher statistics"), "vouchers:statistics", (Role.OFFICER, Role.LEADER)),
    ]
