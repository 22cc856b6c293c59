from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeKind(models.TextChoices):
    """津滨科发〔2024〕7号: three kinds of innovation voucher."""

    CIRCULATION = "circulation", "流通券"
    HNTE = "hnte", "高企券"
    SUBSIDY = "subsidy", "补助券"


# The service categories each kind pays for (津滨科发〔2024〕7号 and its 2025 revision, which adds 中试).
CATEGORIES_OF_KIND = {
    SchemeKind.CIRCULATION: ("检验检测", "临床试验", "智算", "成果评价", "试验验证", "中试"),
    SchemeKind.HNTE: ("高企认定服务",),
    SchemeKind.SUBSIDY: ("技术转移人才培养", "挖掘技术需求", "开展技术对接"),
}
ALL_CATEGORIES = tuple(dict.fromkeys(c for kind in CATEGORIES_OF_KIND.values() for c in kind))
# Instruments are services of this category (大型仪器开放共享).
INSTRUMENT_CATEGORY = "检验检测"


class ProviderKind(models.TextChoices):
    UNIVERSITY = "university", "高校"
    SCIENCE_PARK = "science_park", "大学科技园"
    INSTITUTE = "institute", "科研院所"
    TESTING = "testing", "检验检测机构"
    TECH_ENTERPRISE = "tech_enterprise", "科技型企业"
    INTERMEDIARY = "intermediary", "中介服务机构"


class ProviderStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")
    REMOVED = "removed", _("Removed")


class PriceUnit(models.TextChoices):
    ITEM = "item", _("per service")
    HOUR = "hour", _("per hour")
    SAMPLE = "sample", _("per sample")


class ClaimState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REDEEMED = "redeemed", _("Redeemed")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")


# States whose subsidy is still reserved on the scheme's ledger.
RESERVING_STATES = (ClaimState.APPROVED, ClaimState.REDEEMED)
