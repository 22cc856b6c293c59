from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.reference import CERTIFICATE_KIND_LABELS, TIERS

# The gradient 国科小 → 雏鹰 → 国高企 → 瞪羚 → 领军(培育), in that order, from the one vocabulary
# (kechuang.core.reference): a tier's key is also its policy rule set and its certificate kind.
Tier = models.TextChoices(
    "Tier", [(tier.code.upper(), (tier.code, CERTIFICATE_KIND_LABELS[tier.code])) for tier in sorted(TIERS, key=lambda t: t.rank)]
)


class Stage(models.TextChoices):
    CANDIDATE = "candidate", _("Selected (遴选)")
    ENROLLED = "enrolled", _("Enrolled (入库)")
    CULTIVATING = "cultivating", _("Cultivating (培育)")
    RECOGNISED = "recognised", _("Recognised (认定)")
    EXITED = "exited", _("Exited (退出)")


class ActionKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    BRIEFING = "briefing", _("Policy briefing")
    VOUCHER = "voucher", _("Service voucher")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


# The names people use in speech, for page titles such as 我的高企之路.
TIER_SHORT = {tier.code: tier.short_label for tier in TIERS}


# How the policy evaluator's statuses read on the cultivation pages.
STATUS_LABELS = {
    "eligible": _("Eligible"),
    "ineligible": _("Not yet eligible"),
    "needs_review": _("Needs review"),
}
