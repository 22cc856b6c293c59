"""The named queries behind computed indicators. Each is defined once here, keyed by name, and returns
the value AND the records it counted, so that every figure on screen, in the API, the CLI and the reports
can be drilled into and exported as exactly those records."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.tables import Column
from kechuang.registry.choices import CertificateKind
from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty
from kechuang.techmarket.models import TechContract
from kechuang.vouchers.models import Claim

INVENTION_PATENT = "invention_patent"


@dataclass
class Measure:
    value: Decimal | None
    records: QuerySet | list = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    label: str
    compute: Callable[[str, dt.date, object], Measure]


QUERIES: dict[str, NamedQuery] = {}


def named_query(name: str, label: str):
    def register(function):
        QUERIES[name] = NamedQuery(name, label, function)
        return function

    return register


def run(name: str, region_code: str, as_of: dt.date, plan=None) -> Measure:
    return QUERIES[name].compute(region_code, as_of, plan)


ENTERPRISE_COLUMNS = [
    Column("统一社会信用代码", "uscc"),
    Column("企业名称", "name"),
    Column("所在区划", "region_id"),
    Column("登记状态", "status"),
]
PATENT_COLUMNS = [
    Column("专利号", "number"),
    Column("名称", "title"),
    Column("授权日", "granted"),
    Column("失效日", "expires"),
    Column("法律状态", "status"),
    Column("权利人", lambda ip: "、".join(owner.name for owner in ip.owners.all())),
]


@named_query("invention_patents", "有效发明专利")
def invention_patents(region_code, as_of, plan=None) -> Measure:
    """Distinct invention patents valid on the date and owned by at least one in-district enterprise."""
    owners = Enterprise.objects.in_district(region_code)
    records = (
        IntellectualProperty.objects.valid_on(as_of)
        .filter(kind_id=INVENTION_PATENT)
        .filter(Exists(owners.filter(ip=OuterRef("pk"))))
        .prefetch_related("owners")
        .order_by("number")
    )
    return Measure(Decimal(records.count()), records, PATENT_COLUMNS)


def certified_enterprises(region_code: str, as_of: dt.date, kinds) -> QuerySet:
    """In-district enterprises holding a certificate of one of `kinds` valid on the date, each once."""
    holders = Certificate.objects.valid_on(as_of).filter(kind__in=kinds).values("enterprise_id")
    return Enterprise.objects.in_district(region_code).filter(pk__in=holders).order_by("name")


def _tier_query(name: str, label: str, kinds):
    def compute(region_code, as_of, plan=None) -> Measure:
        records = certified_enterprises(region_code, as_of, kinds)
        return Measure(Decimal(records.count()), records, ENTERPRISE_COLUMNS)

    named_query(name, label)(compute)


# The plan's tier indicators, in the plan's own words: query name -> (label, the tiers it counts;
# 领军 counts 领军 and 领军培育). A tier is also its certificate kind, so the same codes count the
# certificates here and the recognitions in the forecast.
TIER_INDICATORS = {
    "hnte": ("高新技术企业", (CertificateKind.HNTE,)),
    "chuying": ("雏鹰企业", (CertificateKind.CHUYING,)),
    "dengling": ("瞪羚企业", (CertificateKind.DENGLING,)),
    "lingjun": ("科技领军(领军培育)企业", (CertificateKind.LINGJUN, CertificateKind.LINGJUN_PEIYU)),
}
for _name, (_label, _kinds) in TIER_INDICATORS.items():
    _tier_query(_name, _label, list(_kinds))


CONTRACT_COLUMNS = [
    Column("登记号", "registration_number"),
    Column("合同名称", "name"),
    Column("卖方", "seller.name"),
    Column("登记日期", "registered_on"),
    Column("合同成交额(万元)", "amount", numeric=True),
    Column("技术交易额(万元)", "tech_amount", numeric=True),
]


@named_query("contract_turnover", "技术合同成交额")
def contract_turnover(region_code, as_of, plan=None) -> Measure:
    """合同成交额 (not 技术交易额) of contracts registered from 1 January of the date's year up to the date,
    sold by an in-district enterprise."""
    records = (
        TechContract.objects.registered_between(dt.date(as_of.year, 1, 1), as_of)
        .filter(seller__in=Enterprise.objects.in_district(region_code))
        .select_related("seller")
        .order_by("registered_on", "pk")
    )
    return Measure(records.turnover(), records, CONTRACT_COLUMNS)


VOUCHER_COLUMNS = [
    Column("申领编号", "pk"),
    Column("券种", "scheme.name"),
    Column("企业名称", "enterprise.name"),
    Column("服务机构", "provider.name"),
    Column("服务类别", "category"),
    Column("拨付补贴(万元)", "paid_subsidy", numeric=True),
    Column("拨付时间", "paid_at"),
]


@named_query("voucher_subsidies_paid", "创新券补贴拨付额")
def voucher_subsidies_paid(region_code, as_of, plan=None) -> Measure:
    """Innovation-voucher subsidies (万元) paid from 1 January of the date's year up to the date, to
    in-district enterprises."""
    records = (
        Claim.objects.paid_between(dt.date(as_of.year, 1, 1), as_of)
        .filter(enterprise__in=Enterprise.objects.in_district(region_code))
        .select_related("scheme", "enterprise", "provider")
        .order_by("paid_at", "pk")
    )
    return Measure(records.subsidy_paid(), records, VOUCHER_COLUMNS)


FIGURE_COLUMNS = [
    Column("数据项", "key"),
    Column("截至日期", "date"),
    Column("数值", "value", numeric=True),
    Column("来源", "source"),
    Column("佐证材料", lambda f: f.evidence.name if f.evidence else ""),
]
RD_EXPENDITURE, GDP = "rd_expenditure", "gdp"


@named_query("rd_intensity", "研发投入强度")
def rd_intensity(region_code, as_of, plan=None) -> Measure:
    """全社会研发经费支出 / 地区生产总值, both entered from the statistics bureau: the newest R&D figure
    dated on or before the date, over the GDP figure of the same date."""
    from kechuang.plan.models import ManualFigure

    if plan is None:
        return Measure(None)
    expenditure = ManualFigure.objects.filter(plan=plan).latest_on(RD_EXPENDITURE, as_of)
    if expenditure is None:
        return Measure(None, note=str(_("No R&D expenditure figure entered yet.")))
    gdp = ManualFigure.objects.filter(plan=plan, key=GDP, date=expenditure.date).order_by("-pk").first()
    if gdp is None or not gdp.value:
        return Measure(None, note=str(_("No GDP figure for the same date as the R&D expenditure.")))
    records = ManualFigure.objects.filter(pk__in=[expenditure.pk, gdp.pk])
    return Measure(expenditure.value / gdp.value, records, FIGURE_COLUMNS)


def manual_series(indicator, as_of: dt.date) -> Measure:
    """A manual indicator's newest figure on or before the date (for a yearly flow: within its year)."""
    from kechuang.plan.models import ManualFigure

    figures = ManualFigure.objects.filter(plan=indicator.plan, key=indicator.code)
    if indicator.resets_yearly:
        figures = figures.filter(date__year=as_of.year)
    figure = figures.latest_on(indicator.code, as_of)
    if figure is None:
        return Measure(None, note=str(_("No figure entered yet.")))
    return Measure(figure.value, figures.filter(pk=figure.pk), FIGURE_COLUMNS)


# --- talent (kechuang.talent) ---------------------------------------------------------------------

def _talent_query(name: str, label: str, programme: str | None):
    """People employed in the district who had arrived by the date, recognised under `programme` by then
    (None: everyone on record); only masked numbers are columns, so a drill-down shows no plaintext."""
    from kechuang.talent.tables import TALENT_COLUMNS

    def compute(region_code, as_of, plan=None) -> Measure:
        from kechuang.talent.models import Talent

        records = Talent.objects.in_district(region_code).on_record(as_of)
        if programme is not None:
            records = records.filter(level__programme__code=programme, recognition_year__lte=as_of.year)
        records = records.select_related("field", "employer", "level__programme").order_by("name", "pk")
        return Measure(Decimal(records.count()), records, TALENT_COLUMNS)

    named_query(name, label)(compute)


# The shipped programmes (kechuang/talent/data/programmes.yaml); a district's own programme added later
# is counted by talents_on_record and shown on the talent map.
TALENT_INDICATORS = {
    "talents_on_record": ("科技人才（在册）", None),
    "talents_haihe": ("海河英才", "haihe"),
    "talents_green_card": ("人才绿卡", "green-card"),
    "talents_haihe_craftsman": ("海河工匠", "haihe-craftsman"),
    "talents_outstanding": ("杰出人才", "outstanding"),
    "talents_young": ("青年英才", "young"),
}
for _name, (_label, _programme) in TALENT_INDICATORS.items():
    _talent_query(_name, _label, _programme)
