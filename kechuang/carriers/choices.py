from django.db import models
from django.utils.translation import gettext_lazy as _


class CarrierKind(models.TextChoices):
    MAKERSPACE = "makerspace", "众创空间"
    INCUBATOR = "incubator", "孵化器"
    ACCELERATOR = "accelerator", "加速器"
    UNIVERSITY_PARK = "university_park", "大学科技园"
    INNOVATION_CENTRE = "innovation_centre", "双创中心"
    SHARED_FACTORY = "shared_factory", "共享工厂"
    SINO_SINGAPORE = "sino_singapore", "中新合作孵化基地"


# Where a carrier stands on the chain 众创空间 → 孵化器 → 加速器 → 产业园区; kinds not on the chain are placed
# with the stage they serve (双创中心 and 共享工厂 host early teams, 大学科技园 and 中新合作基地 incubate).
CHAIN_STAGE = {
    CarrierKind.MAKERSPACE: 1, CarrierKind.INNOVATION_CENTRE: 1, CarrierKind.SHARED_FACTORY: 1,
    CarrierKind.INCUBATOR: 2, CarrierKind.UNIVERSITY_PARK: 2, CarrierKind.SINO_SINGAPORE: 2,
    CarrierKind.ACCELERATOR: 3,
}


class CarrierLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    MUNICIPAL = "municipal", "市级"
    DISTRICT = "district", "区级"


class Cluster(models.TextChoices):
    NORTH = "north", "北部组团（智能制造与生物医药）"
    CENTRAL = "central", "中部组团（智能科技）"
    SOUTH = "south", "南部组团（电子信息与医疗健康）"


class TenantStatus(models.TextChoices):
    INCUBATING = "incubating", "在孵"
    GRADUATED = "graduated", "毕业"
    MOVED_OUT = "moved_out", "迁出"
    CANCELLED = "cancelled", "注销"


class Destination(models.TextChoices):
    NEXT_CARRIER = "carrier", "转入下一级载体"
    PARK = "park", "入驻产业园区"
    STAYED = "stayed", "留在本载体"
    ELSEWHERE = "elsewhere", "迁往区外"


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted")


class EventKind(models.TextChoices):
    COMPETITION = "competition", "创新创业大赛"
    DEMO_DAY = "demo_day", "Demo Day"
    STARTUP_WEEKEND = "startup_weekend", "创业周末"
    ROADSHOW = "roadshow", "路演"
    BANK_MATCHING = "bank_matching", "银企对接会"


class EventState(models.TextChoices):
    REGISTRATION = "registration", _("Registration open")
    JUDGING = "judging", _("Judging")
    PUBLISHED = "published", _("Results published")


class RoundState(models.TextChoices):
    OPEN = "open", _("Scoring open")
    CLOSED = "closed", _("Closed")


ROUND_NAMES = ("初赛", "复赛", "决赛")
