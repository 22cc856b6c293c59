from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractType(models.TextChoices):
    """技术合同的五类 (技术合同认定规则 2001, 技术许可 separated since the 民法典 2021)."""

    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENCE = "licence", "技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"


class ContractSubtype(models.TextChoices):
    ENTRUSTED = "entrusted", "委托"
    COOPERATIVE = "cooperative", "合作"
    TRAINING = "training", "技术培训"
    INTERMEDIARY = "intermediary", "技术中介"


# Which sub-types each contract type admits; a type missing here takes none.
SUBTYPES_OF = {
    ContractType.DEVELOPMENT: (ContractSubtype.ENTRUSTED, ContractSubtype.COOPERATIVE),
    ContractType.SERVICE: (ContractSubtype.TRAINING, ContractSubtype.INTERMEDIARY),
}


class ContractStatus(models.TextChoices):
    APPLIED = "applied", "申请中"
    REGISTERED = "registered", "已登记"
    REFUSED = "refused", "未予登记"
    CANCELLED = "cancelled", "已注销"


class ContractChangeKind(models.TextChoices):
    APPLICATION = "application", _("Application filed")
    REGISTRATION = "registration", _("Registration granted")
    REFUSAL = "refusal", _("Registration refused")
    CORRECTION = "correction", _("Contract corrected")
    CANCELLATION = "cancellation", _("Registration cancelled")
    IMPORT = "import", _("Imported from a file")


class BuyerLocation(models.TextChoices):
    DISTRICT = "district", _("Inside the district")
    CITY = "city", _("Elsewhere in the city")
    CHINA = "china", _("Elsewhere in China")
    ABROAD = "abroad", _("Abroad")


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"
    NEW_RD = "new_rd", "新型研发机构"
    ENTERPRISE = "enterprise", "企业"


class AchievementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DemandStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CHALLENGE = "challenge", _("Open challenge")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class SolutionMode(models.TextChoices):
    INDEPENDENT = "independent", "独立研发"
    ENTRUSTED = "entrusted", "委托研发"
    COOPERATIVE = "cooperative", "合作研发"


class TransferMode(models.TextChoices):
    TRANSFER = "transfer", "转让"
    LICENCE = "licence", "许可"
    EQUITY = "equity", "作价入股"
    JOINT = "joint", "合作开发"


class MatchStage(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended")
    CONTACTED = "contacted", _("Contacted")
    NEGOTIATING = "negotiating", _("Negotiating")
    CONTRACTED = "contracted", _("Contracted")
    CLOSED = "closed", _("Closed")


class ChallengeStatus(models.TextChoices):
    OPEN = "open", _("Accepting proposals")
    REVIEWING = "reviewing", _("Under review")
    AWARDED = "awarded", _("Awarded")
    COMPLETED = "completed", _("Completed")
    UNSOLVED = "unsolved", _("Closed unsolved")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACCEPTED = "accepted", _("Accepted and paid")
