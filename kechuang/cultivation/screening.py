"""What the cultivation pages read from the policy app's latest bulk screening: the candidates for a
tier (遴选) and the 免申即享 list. Both are stated once here and used by pages, exports and tests."""
from django.db.models import Exists, OuterRef

from kechuang.cultivation.choices import Tier
from kechuang.cultivation.models import Enrollment
from kechuang.policy.models import ScreeningResult
from kechuang.policy.services import explain
from kechuang.registry.models import Certificate, Enterprise


def latest_results(tier: str | None = None):
    # The screening covers every registered enterprise; the bureau cultivates only the district's.
    results = ScreeningResult.objects.latest().filter(enterprise__in=Enterprise.objects.in_district())
    return (results.for_tier(tier) if tier else results.filter(ruleset_key__in=Tier.values)).select_related("enterprise")


def latest_by_enterprise(tier: str, enterprise_ids: list[int], known_on) -> dict:
    """The latest screening's result per enterprise, if that screening was already known on `known_on`
    (a selection dated before a screening cannot have been based on it)."""
    results = latest_results(tier).filter(enterprise_id__in=enterprise_ids, as_of__lte=known_on)
    return {result.enterprise_id: result for result in explain(list(results))}


def holds_certificate():
    """The screened enterprise holds a certificate of the screened tier, valid on the screening date."""
    return Exists(
        Certificate.objects.valid_on(OuterRef("as_of")).filter(enterprise=OuterRef("enterprise"), kind=OuterRef("ruleset_key"))
    )


def in_pipeline():
    """The screened enterprise is already in that tier's pipeline: selected, enrolled or cultivating.
    This is what "applied" means for 免申即享: the bureau already has its case in hand."""
    return Exists(Enrollment.objects.open().filter(enterprise=OuterRef("enterprise"), tier=OuterRef("ruleset_key")))


def candidates(tier: str | None = None):
    """遴选: enterprises that are eligible, that pass every figure-based criterion and wait on expert-judged
    ones (needs_review — every 高企 applicant is in this state, since its innovation score is judged by
    experts), or near-misses (one or two gaps), that neither hold the tier's certificate nor are in its
    pipeline yet; for one tier, or (None) for every tier."""
    return latest_results(tier).worth_cultivating().exclude(holds_certificate()).exclude(in_pipeline())


def free_benefits():
    """免申即享: eligible for a tier by the latest screening, without that tier's valid certificate, and
    not applied (no open enrollment for the tier)."""
    return latest_results().eligible().exclude(holds_certificate()).exclude(in_pipeline())
