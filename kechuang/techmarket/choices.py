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
    APPLICATION = "application", _("Application")
    REGISTRATION = "registration", _("Registration")
    REFUSAL = "refusal", _("Refusal")
    CORRECTION = "correction", _("Correction")
    CANCELLATION = "cancellation", _("Cancellation")
    IMPORT = "import", _("Import")


class BuyerLocation(models.TextChoices):
    DISTRICT = "district", _("Inside the district")
    CITY = "city", _("Elsewhere in the city")
    CHINA = "china", _("Elsewhere in China")
    ABROAD = "abroad", _("Abroad")
