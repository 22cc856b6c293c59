"""The enterprise profile's section on listing and finance (registry.profile finds it through FinanceConfig)."""
from django.utils.translation import gettext as _

from kechuang.finance.models import FinancingDemand, ListingEntry, PointsScore
from kechuang.registry.profile import ProfileSection


def finance_section(enterprise, user):
    entry = ListingEntry.objects.visible_to(user).filter(enterprise=enterprise).first()
    score = PointsScore.objects.visible_to(user).filter(enterprise=enterprise).order_by("-year").first()
    demands = list(FinancingDemand.objects.visible_to(user).filter(enterprise=enterprise).select_related("product", "fund")[:20])
    if entry is None and score is None and not demands:
        return None
    return ProfileSection(_("Listing pool and financing"), "finance/_profile.html",
                          {"entry": entry, "score": score, "demands": demands})
