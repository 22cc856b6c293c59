from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """The gradient 国科小 → 雏鹰 → 国高企 → 瞪羚 → 领军(培育), in that order. The keys are the policy rule-set
    keys and the registry certificate kinds, so a tier, its criteria and its certificate share one name."""

    TSME = "tsme", _("Tech-based SME (国科小)")
    CHUYING = "chuying", _("Chuying (雏鹰)")
    HNTE = "hnte", _("High-tech enterprise (国高企)")
    DENGLING = "dengling", _("Dengling (瞪羚)")
    LINGJUN_PEIYU = "lingjun_peiyu", _("Leading enterprise, incubating (领军培育)")
    LINGJUN = "lingjun", _("Leading enterprise (领军)")


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
TIER_SHORT = {
    Tier.TSME: _("TSME"),
    Tier.CHUYING: _("Chuying"),
    Tier.HNTE: _("HNTE"),
    Tier.DENGLING: _("Dengling"),
    Tier.LINGJUN_PEIYU: _("Leading (incubating)"),
    Tier.LINGJUN: _("Leading"),
}


# How the policy evaluator's statuses read on the cultivation pages.
STATUS_LABELS = {
    "eligible": _("Eligible"),
    "ineligible": _("Not yet eligible"),
    "needs_review": _("Needs review"),
}
