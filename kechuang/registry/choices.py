from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.reference import CERTIFICATE_KINDS


class RegistrationStatus(models.TextChoices):
    SUBSISTING = "subsisting", "存续"
    OPERATING = "operating", "在业"
    MOVED_OUT = "moved_out", "迁出"
    CANCELLED = "cancelled", "注销"
    REVOKED = "revoked", "吊销"


# A firm in one of these states is no longer counted in the district, whatever its address.
GONE_STATUSES = (RegistrationStatus.MOVED_OUT, RegistrationStatus.CANCELLED, RegistrationStatus.REVOKED)


class DataSource(models.TextChoices):
    ENTERPRISE_REPORT = "enterprise", _("Enterprise report")
    STATISTICS_BUREAU = "statistics", _("Statistics bureau")
    TAX = "tax", _("Tax bureau")
    IMPORT_FILE = "import", _("Import file")


class IPStatus(models.TextChoices):
    VALID = "valid", "有效"
    INVALID = "invalid", "失效"
    PENDING = "pending", "审中"


class AcquiredBy(models.TextChoices):
    SELF = "self", "自主研发"
    TRANSFER = "transfer", "受让"
    GIFT = "gift", "受赠"
    MERGER = "merger", "并购"


# The certificate kinds of the one vocabulary (kechuang.core.reference), as Django choices.
CertificateKind = models.TextChoices(
    "CertificateKind", [(kind.code.upper(), (kind.code, kind.label)) for kind in CERTIFICATE_KINDS]
)


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省部级"
    # A city's or a district's own awards and events (the Eco-City's 创新之星): recorded, though the tier
    # rule sets count only the two levels above.
    MUNICIPAL = "municipal", "市级"
    DISTRICT = "district", "区级"


class StandardLevel(models.TextChoices):
    INTERNATIONAL = "international", "国际标准"
    NATIONAL = "national", "国家标准"
    INDUSTRY = "industry", "行业标准"
    LOCAL = "local", "地方标准"
    GROUP = "group", "团体标准"
    ENTERPRISE = "enterprise", "企业标准"


class StandardRole(models.TextChoices):
    LEAD = "lead", "主导"
    PARTICIPANT = "participant", "参与"


class CompetitionAward(models.TextChoices):
    EXCELLENCE = "excellence", "优秀奖"
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
