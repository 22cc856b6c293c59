"""The voucher claims an enterprise's profile lists (registry.profile finds this through VouchersConfig)."""
from decimal import Decimal

from django.utils.translation import gettext as _

from kechuang.registry.profile import ProfileSection
from kechuang.vouchers.models import Claim

SHOWN = 50


def claims_section(enterprise, user):
    claims = Claim.objects.visible_to(user).filter(enterprise=enterprise).select_related("scheme", "provider")
    shown = list(claims[:SHOWN])
    if not shown:
        return None
    # One query for the section; a second only for a firm with more claims than the page lists.
    paid = claims.filter(state="paid").subsidy_paid() if len(shown) == SHOWN else sum(
        (c.paid_subsidy for c in shown if c.state == "paid"), Decimal("0"))
    return ProfileSection(_("Innovation voucher claims"), "vouchers/_profile_claims.html", {"claims": shown, "paid": paid})
