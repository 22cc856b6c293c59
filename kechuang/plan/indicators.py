"""The named queries behind computed indicators. Each is defined once here, keyed by name, and returns
the value AND the records it counted, so that every figure on screen, in the API, the CLI and the reports
can be drilled into and exported as exactly those records."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.formatting import Figure
from kechuang.core.tables import CODE, DATE, Column
from kechuang.registry.choices import CertificateKind
from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty, in_district_q
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
    # The models ("app_label.Model") whose rows the figure depends on: a change to one of them makes the
    # stored year-end values of the indicators using this query stale (plan.evaluation.forget_year_ends).
    reads: tuple[str, ...] = ()


QUERIES: dict[str, NamedQuery] = {}
# Every query places its records in the district through the enterprise (or the carrier) they belong to.
ENTERPRISES = "registry.Enterprise"
# Manual indicators read their own figures (plan.evaluation, not a named query); rd_intensity reads two.
MANUAL_FIGURES = "plan.ManualFigure"


def named_query(name: str, label: str, reads: tuple[str, ...]):
    def register(function):
        QUERIES[name] = NamedQuery(name, label, function, reads)
        return function

    return register


def queries_reading(model_label: str) -> list[str]:
    """The names of the queries whose figures a change to a row of `model_label` can move."""
    return [query.name for query in QUERIES.values() if model_label in query.reads]


def models_read() -> set[str]:
    return {label for query in QUERIES.values() for label in query.reads}


def run(name: str, region_code: str, as_of: dt.date, plan=None) -> Measure:
    return QUERIES[name].compute(region_code, as_of, plan)


def firm_url(enterprise) -> str | None:
    """The firm's profile page, where a drill-down row names it."""
    return reverse("registry:enterprise", args=[enterprise.uscc]) if enterprise is not None else None


ENTERPRISE_COLUMNS = [
    Column("统一社会信用代码", "uscc", kind=CODE),
    Column("企业名称", "name", link=firm_url),
    Column("所在区划", "region.name"),
    Column("区划代码", "region_id", kind=CODE),
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


@named_query("invention_patents", "有效发明专利",
             reads=("registry.IntellectualProperty", "registry.IntellectualProperty_owners", ENTERPRISES))
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
    return Enterprise.objects.in_district(region_code).filter(pk__in=holders).select_related("region").order_by("name")


def _tier_query(name: str, label: str, kinds):
    def compute(region_code, as_of, plan=None) -> Measure:
        records = certified_enterprises(region_code, as_of, kinds)
        return Measure(Decimal(records.count()), records, ENTERPRISE_COLUMNS)

    named_query(name, label, reads=("registry.Certificate", ENTERPRISES))(compute)


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
    Column("卖方", "seller.name", link=lambda contract: firm_url(contract.seller)),
    Column("登记日期", "registered_on"),
    Column("合同成交额(万元)", "amount", numeric=True),
    Column("技术交易额(万元)", "tech_amount", numeric=True),
]


@named_query("contract_turnover", "技术合同成交额", reads=("techmarket.TechContract", ENTERPRISES))
def contract_turnover(region_code, as_of, plan=None) -> Measure:
    """合同成交额 (not 技术交易额) of contracts registered from 1 January of the date's year up to the date,
    sold by an in-district enterprise."""
    records = (
        TechContract.objects.registered_between(dt.date(as_of.year, 1, 1), as_of)
        .filter(in_district_q("seller__", region_code))
        .select_related("seller")
        .order_by("registered_on", "pk")
    )
    return Measure(records.turnover(), records, CONTRACT_COLUMNS)


VOUCHER_COLUMNS = [
    Column("申领编号", "pk"),
    Column("券种", "scheme.name"),
    Column("企业名称", "enterprise.name", link=lambda claim: firm_url(claim.enterprise)),
    Column("服务机构", "provider.name"),
    Column("服务类别", "category"),
    Column("拨付补贴(万元)", "paid_subsidy", numeric=True),
    Column("拨付时间", "paid_at"),
]


@named_query("voucher_subsidies_paid", "创新券补贴拨付额", reads=("vouchers.Claim", ENTERPRISES))
def voucher_subsidies_paid(region_code, as_of, plan=None) -> Measure:
    """Innovation-voucher subsidies (万元) paid from 1 January of the date's year up to the date, to
    in-district enterprises."""
    records = (
        Claim.objects.paid_between(dt.date(as_of.year, 1, 1), as_of)
        .filter(in_district_q("enterprise__", region_code))
        .select_related("scheme", "enterprise", "provider")
        .order_by("paid_at", "pk")
    )
    return Measure(records.subsidy_paid(), records, VOUCHER_COLUMNS)


RD_EXPENDITURE, GDP = "rd_expenditure", "gdp"
# The statistics bureau's figures by their names in the 统计公报; both are kept in 万元.
FIGURE_NAMES = {RD_EXPENDITURE: "全社会研发经费支出", GDP: "地区生产总值"}


def _figure_indicator(figure):
    # Through the plan's indicators (prefetched by lists of many figures), not one query per row.
    return next((i for i in figure.plan.indicators.all() if i.code == figure.key), None)


def figure_name(figure) -> str:
    """A figure's key as people call it: `gdp` → 地区生产总值, a manual indicator's code → its name."""
    if figure.key in FIGURE_NAMES:
        return FIGURE_NAMES[figure.key]
    indicator = _figure_indicator(figure)
    return indicator.name if indicator is not None else figure.key


def figure_value(figure) -> Figure:
    """A figure's value in its unit (万元 with two decimals, a ratio as a percentage), not six decimals."""
    if figure.key in FIGURE_NAMES:
        return Figure(figure.value, "万元", decimals=2)
    indicator = _figure_indicator(figure)
    unit = indicator.unit if indicator is not None else ""
    if unit == "%":
        return Figure(figure.value, ratio=True, decimals=2)
    return Figure(figure.value, unit, decimals=2 if unit == "万元" else None)


FIGURE_COLUMNS = [
    Column("数据项", figure_name),
    Column("截至日期", "date", kind=DATE),
    Column("数值", figure_value, numeric=True),
    Column("来源", "source"),
    Column("佐证材料", lambda f: f.evidence.name if f.evidence else ""),
]


@named_query("rd_intensity", "研发投入强度", reads=(MANUAL_FIGURES,))
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
    records = ManualFigure.objects.filter(pk__in=[expenditure.pk, gdp.pk]).prefetch_related("plan__indicators")
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
    return Measure(figure.value, figures.filter(pk=figure.pk).prefetch_related("plan__indicators"), FIGURE_COLUMNS)


# ---- finance (listing reserve pool, financing raised) ----------------------------------------------------

from kechuang.finance.choices import STAGE_ORDER as _LISTING_STAGES  # noqa: E402
from kechuang.finance.choices import ListingStage as _ListingStage  # noqa: E402

POOL_COLUMNS = [
    Column("企业名称", "enterprise.name"),
    Column("统一社会信用代码", "enterprise.uscc"),
    Column("拟上市板块", "board"),
    Column("上市阶段", lambda e: str(_ListingStage(e.stage_at).label)),
    Column("入库日期", "entered_on"),
]


def _pool_on(region_code, as_of):
    """Pool entries of in-district firms with the stage each had on the date (its latest stage record
    dated on or before it); entries not yet entered on the date have none."""
    from django.db.models import Subquery

    from kechuang.finance.models import ListingEntry, StageRecord

    stage_at = StageRecord.objects.filter(entry=OuterRef("pk"), date__lte=as_of).order_by("-date", "-pk").values("stage")[:1]
    return (ListingEntry.objects.filter(in_district_q("enterprise__", region_code))
            .annotate(stage_at=Subquery(stage_at)).filter(stage_at__isnull=False)
            .select_related("enterprise").order_by("enterprise__name", "pk"))


LISTING_RECORDS = ("finance.ListingEntry", "finance.StageRecord", ENTERPRISES)


def _pool_stage_query(stage):
    def compute(region_code, as_of, plan=None) -> Measure:
        records = _pool_on(region_code, as_of).filter(stage_at=stage)
        return Measure(Decimal(records.count()), records, POOL_COLUMNS)

    named_query(f"listing_pool_{stage}", f"上市后备资源库企业数（{_ListingStage(stage).label.split('(')[-1].rstrip(')')}）",
                reads=LISTING_RECORDS)(compute)


for _stage in _LISTING_STAGES:
    _pool_stage_query(_stage)


@named_query("listing_pool", "上市后备资源库企业数", reads=LISTING_RECORDS)
def listing_pool(region_code, as_of, plan=None) -> Measure:
    """Entries in the pool on the date: entered, not listed and not left (退库)."""
    records = _pool_on(region_code, as_of).exclude(stage_at__in=[_ListingStage.LISTED, _ListingStage.EXITED])
    return Measure(Decimal(records.count()), records, POOL_COLUMNS)


@named_query("listings", "新增上市企业数", reads=LISTING_RECORDS)
def listings(region_code, as_of, plan=None) -> Measure:
    """Pool firms that reached 上市 from 1 January of the date's year up to the date."""
    from kechuang.finance.models import StageRecord

    listed = StageRecord.objects.filter(entry=OuterRef("pk"), stage=_ListingStage.LISTED,
                                        date__gte=dt.date(as_of.year, 1, 1), date__lte=as_of)
    records = _pool_on(region_code, as_of).filter(Exists(listed))
    return Measure(Decimal(records.count()), records, POOL_COLUMNS)


FINANCING_COLUMNS = [
    Column("企业名称", "enterprise.name"),
    Column("融资方式", "form"),
    Column("放款/投资金额(万元)", "funded_amount", numeric=True),
    Column("放款/投资日期", "funded_on"),
    Column("推荐产品或基金", lambda d: str(d.product or d.fund or "")),
]


@named_query("financing_raised", "对接融资额", reads=("finance.FinancingDemand", ENTERPRISES))
def financing_raised(region_code, as_of, plan=None) -> Measure:
    """Loans granted and investments made (万元) on financing demands followed up by the bureau, from
    1 January of the date's year up to the date, to in-district enterprises."""
    from django.db.models import Sum

    from kechuang.finance.models import FinancingDemand

    records = (FinancingDemand.objects.funded().filter(in_district_q("enterprise__", region_code),
                                                       funded_on__gte=dt.date(as_of.year, 1, 1), funded_on__lte=as_of)
               .select_related("enterprise", "product", "fund").order_by("funded_on", "pk"))
    return Measure(records.aggregate(total=Sum("funded_amount"))["total"] or Decimal("0"), records, FINANCING_COLUMNS)
# --- carriers: innovation carriers, tenants, graduates and events (kechuang.carriers) --------------

from django.db.models import Q  # noqa: E402 - this section is appended by the carriers app

from kechuang.carriers.models import Carrier, Event, Tenant  # noqa: E402

CARRIER_COLUMNS = [
    Column("载体编码", "code"),
    Column("载体名称", "name"),
    Column("类型", "kind"),
    Column("级别", "level"),
    Column("认定日期", "recognised_on"),
    Column("运营主体", "operator.name"),
]
TENANT_COLUMNS = [
    Column("载体", "carrier.name"),
    Column("统一社会信用代码", "enterprise.uscc"),
    Column("企业名称", "enterprise.name"),
    Column("入驻日期", "entered"),
    Column("离开日期", "exited"),
    Column("状态", "status"),
    Column("毕业日期", "graduated_on"),
]
EVENT_COLUMNS = [
    Column("活动", "name"),
    Column("类型", "kind"),
    Column("开始日期", "starts"),
    Column("结束日期", "ends"),
]


@named_query("national_incubators", "国家级孵化器数量", reads=("carriers.Carrier",))
def national_incubators(region_code, as_of, plan=None) -> Measure:
    """孵化器 in the region recognised at 国家级 on or before the date (300号; 131号's 标准级 maps onto it)."""
    records = (Carrier.objects.in_region(region_code).national_incubators().filter(recognised_on__lte=as_of)
               .select_related("operator").order_by("code"))
    return Measure(Decimal(records.count()), records, CARRIER_COLUMNS)


@named_query("carriers", "创新载体数量", reads=("carriers.Carrier",))
def carriers_count(region_code, as_of, plan=None) -> Measure:
    """Every carrier in the region (all types and levels) recognised on or before the date, or without a date."""
    records = (Carrier.objects.in_region(region_code).exclude(recognised_on__gt=as_of)
               .select_related("operator").order_by("code"))
    return Measure(Decimal(records.count()), records, CARRIER_COLUMNS)


@named_query("tenants_incubating", "在孵企业数", reads=("carriers.Tenant", "carriers.Carrier"))
def tenants_incubating(region_code, as_of, plan=None) -> Measure:
    """Stays running on the date at the region's carriers (an enterprise at two carriers counts twice, as
    each carrier's 火炬统计 counts it)."""
    records = (Tenant.objects.at_carriers_in(region_code).in_incubation_on(as_of)
               .select_related("carrier", "enterprise").order_by("carrier__code", "entered", "pk"))
    return Measure(Decimal(records.count()), records, TENANT_COLUMNS)


@named_query("graduates", "毕业企业数", reads=("carriers.Tenant", "carriers.Carrier"))
def graduates(region_code, as_of, plan=None) -> Measure:
    """Tenants of the region's carriers that graduated from 1 January of the date's year up to the date."""
    records = (Tenant.objects.at_carriers_in(region_code).graduated_between(dt.date(as_of.year, 1, 1), as_of)
               .select_related("carrier", "enterprise").order_by("graduated_on", "pk"))
    return Measure(Decimal(records.count()), records, TENANT_COLUMNS)


@named_query("innovation_events", "创新创业活动场次", reads=("carriers.Event", "carriers.Carrier"))
def innovation_events(region_code, as_of, plan=None) -> Measure:
    """Events (competitions, Demo Days, 创业周末, 路演) begun from 1 January of the date's year up to the date,
    organised by the bureau or by one of the region's carriers."""
    records = (Event.objects.held_between(dt.date(as_of.year, 1, 1), as_of)
               .filter(Q(organiser__isnull=True) | Q(organiser__region__code__startswith=region_code)).order_by("starts", "code"))
    return Measure(Decimal(records.count()), records, EVENT_COLUMNS)


# ------------------------------------------------------------------------------------------- projects
# Results the district's S&T projects produced (kechuang.projects outcomes, linked by USCC and number) and
# the project funds paid.
from kechuang.projects.models import Outcome as ProjectOutcome  # noqa: E402
from kechuang.projects.models import Project as STProject  # noqa: E402


def _project_records(model, kind: str, region_code: str):
    """Registry records of `kind` linked as the outcome of a project held by an in-district enterprise."""
    holders = Enterprise.objects.in_district(region_code)
    linked = ProjectOutcome.objects.filter(kind=kind, project__enterprise__in=holders).values(f"{kind}_id")
    return model.objects.filter(pk__in=linked)


@named_query("project_patents", "项目产出专利", reads=(
    "projects.Outcome", "projects.Project", "registry.IntellectualProperty", ENTERPRISES))
def project_patents(region_code, as_of, plan=None) -> Measure:
    """Distinct patents and other IP, granted by the date, that an in-district project lists as its outcome."""
    records = _project_records(IntellectualProperty, "ip", region_code).filter(kind__is_patent=True, granted__lte=as_of).prefetch_related(
        "owners").order_by("number")
    return Measure(Decimal(records.count()), records, PATENT_COLUMNS)


@named_query("project_contracts", "项目产出技术合同成交额", reads=(
    "projects.Outcome", "projects.Project", "techmarket.TechContract", ENTERPRISES))
def project_contracts(region_code, as_of, plan=None) -> Measure:
    """合同成交额 of registered contracts, registered by the date, that an in-district project lists as its outcome."""
    records = _project_records(TechContract, "contract", region_code).registered().filter(
        registered_on__lte=as_of).select_related("seller").order_by("registered_on", "pk")
    return Measure(records.turnover(), records, CONTRACT_COLUMNS)


PROJECT_COLUMNS = [
    Column("项目编号", "number"),
    Column("项目名称", "title"),
    Column("承担单位", "holder_name"),
    Column("资助额(万元)", "award", numeric=True),
    Column("已拨付(万元)", "account.paid", numeric=True),
]


# What a project has been paid moves with its account's entries (the account's running sum is updated in
# the same transaction, by a query that sends no signal).
@named_query("project_funds_paid", "科技项目经费拨付额", reads=("projects.Project", "core.LedgerAccount", "core.LedgerEntry", ENTERPRISES))
def project_funds_paid(region_code, as_of, plan=None) -> Measure:
    """Project funds paid (万元, net of recoveries) to in-district enterprises' projects started by the date."""
    from django.db.models import Sum

    records = STProject.objects.filter(in_district_q("enterprise__", region_code),
                                       starts_on__lte=as_of).select_related("account", "enterprise", "institution").order_by("number")
    return Measure(records.aggregate(total=Sum("account__paid"))["total"] or Decimal(0), records, PROJECT_COLUMNS)


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

    named_query(name, label, reads=("talent.Talent", "talent.ProgrammeLevel", ENTERPRISES))(compute)


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
