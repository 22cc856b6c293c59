"""The voucher claims an enterprise's profile lists (registry.profile finds this through VouchersConfig)."""
from django.utils.translation import gettext as _

from kechuang.registry.profile import ProfileSection
from kechuang.vouchers.models import Claim


def claims_section(enterprise, user):
    claims = Claim.objects.visible_to(user).filter(enterprise=enterprise).select_related("scheme", "provider")
    if not claims.exists():
        return None
    return ProfileSection(_("Innovation voucher claims"), "vouchers/_profile_claims.html",
                          {"claims": claims[:50], "paid": claims.filter(state="paid").subsidy_paid()})
