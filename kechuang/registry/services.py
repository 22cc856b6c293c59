"""Registry write operations and the monitoring rules (科技企业动态监测, seed 二(六)1).

Pages, the REST API, management commands and tests all call these; nothing else writes yearly data or
contacts on a user's behalf, and the alert rules exist only here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, FilteredRelation, OuterRef, Q
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.core.models import AuditEntry
from kechuang.core.storedfigures import stored_figure
from kechuang.registry.choices import GONE_STATUSES, DataSource
from kechuang.registry.models import (
    Award,
    Certificate,
    CompetitionPrize,
    Enterprise,
    Investment,
    Project,
    RDInstitution,
    Standard,
    YearlyData,
    in_district_q,
)

# The yearly figures as the import template labels them (a file contract, so Chinese literals).
YEARLY_FIGURES = {
    "employees": "职工总数",
    "tech_staff": "科技人员数",
    "revenue": "营业收入(万元)",
    "sales_revenue": "销售收入(万元)",
    "total_income": "总收入(万元)",
    "cost_total": "成本费用总额(万元)",
    "rd_expense": "研发费用(万元)",
    "rd_expense_domestic": "境内研发费用(万元)",
    "high_tech_revenue": "高新技术产品收入(万元)",
    "total_assets": "资产总额(万元)",
    "net_assets": "净资产(万元)",
}
# Net assets may legitimately be negative (an insolvent balance sheet); every other figure may not.
MAY_BE_NEGATIVE = frozenset({"net_assets"})
FIRST_YEAR = 1978
CONTACT_FIELDS = ("contact_person", "contact_phone", "contact_email")


def yearly_problems(values: dict) -> dict[str, str]:
    """Why a year's figures are inconsistent, as {field: reason in Chinese}; empty when they are fine.

    The same checks the yearly import applies to each row, so a form, the API and a file agree."""
    problems = {}
    year = values.get("year")
    if year is not None and not FIRST_YEAR <= year <= clock.today().year:
        problems["year"] = f"年度应在 {FIRST_YEAR}–{clock.today().year} 之间，实际为 {year}"
    for field, label in YEARLY_FIGURES.items():
        value = values.get(field)
        if value is not None and field not in MAY_BE_NEGATIVE and value < 0:
            problems[field] = f"{label}不能为负数"
    employees, tech_staff = values.get("employees"), values.get("tech_staff")
    if employees is not None and tech_staff is not None and tech_staff > employees and "tech_staff" not in problems:
        problems["tech_staff"] = f"科技人员数（{tech_staff}）不能大于职工总数（{employees}）"
    rd, domestic = values.get("rd_expense"), values.get("rd_expense_domestic")
    if rd is not None and domestic is not None and domestic > rd and "rd_expense_domestic" not in problems:
        problems["rd_expense_domestic"] = f"境内研发费用（{domestic}）不能大于研发费用（{rd}）"
    return problems


def update_contacts(enterprise: Enterprise, values: dict) -> Enterprise:
    for field in CONTACT_FIELDS:
        if field in values:
            setattr(enterprise, field, values[field])
    enterprise.save()
    return enterprise


def save_yearly(user, enterprise: Enterprise, year: int, values: dict) -> YearlyData:
    """Create or update one year's figures. The caller has validated them with `yearly_problems`.

    A row an enterprise user writes is that enterprise's own report, dated today; an officer's correction
    keeps the row's recorded source and is dated today."""
    with transaction.atomic():
        row = YearlyData.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
        row = row or YearlyData(enterprise=enterprise, year=year)
        for field in YEARLY_FIGURES:
            if field in values:
                setattr(row, field, values[field])
        if user.role == Role.ENTERPRISE:
            row.source = DataSource.ENTERPRISE_REPORT
        row.source_date = clock.today()
        row.save()
    return row


# ---- audit history --------------------------------------------------------------------------------

# Models whose rows belong to exactly one enterprise through an `enterprise` foreign key.
_OWNED_MODELS = (YearlyData, Certificate, Award, RDInstitution, Standard, Investment, Project, CompetitionPrize)


def _object_type(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def enterprise_history(enterprise: Enterprise):
    """Audit entries about the enterprise and the records it owns, newest first.

    Existing records are matched by id; a deleted record by the enterprise id its last snapshot carried."""
    condition = Q(object_type=_object_type(Enterprise), object_id=str(enterprise.pk))
    for model in _OWNED_MODELS:
        ids = [str(pk) for pk in model.objects.filter(enterprise=enterprise).values_list("pk", flat=True)]
        condition |= Q(object_type=_object_type(model), object_id__in=ids)
        condition |= Q(object_type=_object_type(model), action="delete", changes__enterprise_id__0=enterprise.pk)
    return AuditEntry.objects.filter(condition).order_by("-sequence")


# ---- monitoring -----------------------------------------------------------------------------------

EXPIRY_WINDOW_DAYS = 90
RD_RATIO_FLOOR = Decimal("0.03")


class AlertKind(models.TextChoices):
    CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring")
    YEARLY_MISSING = "yearly_missing", _("Last year's data missing")
    GONE = "gone", _("Moved out, cancelled or revoked")
    RD_RATIO_LOW = "rd_ratio_low", _("R&D ratio below 3%")
    RD_RATIO_HALVED = "rd_ratio_halved", _("R&D ratio fell by more than half")


@dataclass(frozen=True)
class Alert:
    kind: str
    enterprise_id: int
    enterprise_name: str
    uscc: str
    detail: str
    date: dt.date | None = None

    @property
    def kind_label(self) -> str:
        return str(AlertKind(self.kind).label)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "kind_label": self.kind_label,
            "uscc": self.uscc,
            "enterprise": self.enterprise_name,
            "detail": self.detail,
            "date": self.date.isoformat() if self.date else None,
        }


def expiring_certificates(as_of: dt.date):
    """Certificates of in-district enterprises whose 有效期至 falls within the next 90 days, unless the
    enterprise already holds a renewal of the same kind that outlasts the window."""
    window_end = as_of + dt.timedelta(days=EXPIRY_WINDOW_DAYS)
    renewed = Certificate.objects.filter(
        enterprise=OuterRef("enterprise"), kind=OuterRef("kind"), issued__lte=window_end
    ).filter(Q(expires__isnull=True) | Q(expires__gt=window_end))
    return (
        Certificate.objects.expiring_between(as_of, window_end)
        .filter(in_district_q("enterprise__"))
        .exclude(Exists(renewed))
        .select_related("enterprise")
        .order_by("expires", "enterprise__name")
    )


def missing_last_year(as_of: dt.date):
    """In-district enterprises, established before last year ended, with no yearly data for last year."""
    year = as_of.year - 1
    return (
        Enterprise.objects.in_district()
        .filter(Q(established__isnull=True) | Q(established__lt=dt.date(as_of.year, 1, 1)))
        .exclude(yearly__year=year)
        .order_by("name")
    )


def gone_enterprises():
    """Enterprises registered in the district that moved out, were cancelled or revoked."""
    return Enterprise.objects.registered_in_district().filter(status__in=GONE_STATUSES).order_by("name")


def rd_ratio_changes(as_of: dt.date):
    """Last year's yearly data of in-district enterprises, annotated with the year before's R&D expense
    and revenue, where the R&D ratio is below 3% or less than half the year before's.

    The year before is one LEFT JOIN (not a subquery per figure, which the comparisons below would repeat
    six times); ratios are compared by cross-multiplying, so no division happens in the database."""
    year = as_of.year - 1
    money = DecimalField(max_digits=40, decimal_places=6)
    below_floor = Q(rd_expense__lt=F("revenue") * RD_RATIO_FLOOR)
    halved = Q(prev_revenue__gt=0, prev_rd__gt=0, scaled_now__lt=F("scaled_before"))
    return (
        YearlyData.objects.filter(year=year, revenue__gt=0, rd_expense__isnull=False)
        .filter(in_district_q("enterprise__"))
        .annotate(before=FilteredRelation("enterprise__yearly", condition=Q(enterprise__yearly__year=year - 1)))
        .annotate(prev_rd=F("before__rd_expense"), prev_revenue=F("before__revenue"))
        .annotate(
            # rd/revenue < ½·prev_rd/prev_revenue  ⇔  2·rd·prev_revenue < prev_rd·revenue (revenues > 0)
            scaled_now=ExpressionWrapper(F("rd_expense") * F("prev_revenue") * 2, output_field=money),
            scaled_before=ExpressionWrapper(F("prev_rd") * F("revenue"), output_field=money),
        )
        .annotate(
            below_floor=ExpressionWrapper(below_floor, output_field=models.BooleanField()),
            halved=ExpressionWrapper(halved, output_field=models.BooleanField()),
        )
        .filter(below_floor | halved)
        .select_related("enterprise")
        .order_by("enterprise__name")
    )


def parse_as_of(text: str | None) -> dt.date | None:
    """A YYYY-MM-DD date, or None when `text` is empty or not a real date."""
    try:
        return parse_date((text or "").strip())
    except ValueError:
        return None


def _percent(value) -> str:
    return f"{value * 100:.1f}%"


def _certificate_alert(cert) -> Alert:
    firm = cert.enterprise
    detail = _("%(certificate)s expires on %(date)s") % {"certificate": cert, "date": f"{cert.expires:%Y-%m-%d}"}
    return Alert(AlertKind.CERTIFICATE_EXPIRING, firm.pk, firm.name, firm.uscc, str(detail), cert.expires)


def _ratio_low_alert(row) -> Alert:
    firm = row.enterprise
    return Alert(AlertKind.RD_RATIO_LOW, firm.pk, firm.name, firm.uscc, f"{row.year}: {_percent(row.rd_ratio)}")


def _ratio_halved_alert(row) -> Alert:
    firm, previous = row.enterprise, row.prev_rd / row.prev_revenue
    detail = f"{row.year - 1}: {_percent(previous)} → {row.year}: {_percent(row.rd_ratio)}"
    return Alert(AlertKind.RD_RATIO_HALVED, firm.pk, firm.name, firm.uscc, detail)


class SharedCount:
    """How many rows of one queryset meet each of several conditions, all counted by one aggregate the first
    time any is asked for: the two R&D ratio alerts read the same join of two years' figures, which took
    0.28 s per count at 100,000 enterprises on PostgreSQL."""

    def __init__(self, queryset, **conditions):
        self.queryset, self.conditions, self.counts = queryset, conditions, None

    def __call__(self, name: str) -> int:
        if self.counts is None:
            self.counts = self.queryset.aggregate(**{key: Count("pk", filter=condition)
                                                     for key, condition in self.conditions.items()})
        return self.counts[name]


class AlertList:
    """One kind's alerts, read from the database a slice at a time: `count()` is one COUNT query (or its
    share of a `SharedCount`) and a page is one query for its rows, so a Paginator over it never loads the
    whole list."""

    def __init__(self, kind: str, queryset, to_alert, counted=None):
        self.kind, self.queryset, self.to_alert, self.counted = kind, queryset, to_alert, counted

    def count(self) -> int:
        return self.counted(self.kind) if self.counted else self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Alert]:
        return [self.to_alert(row) for row in self.queryset[index]]

    def __iter__(self):
        return (self.to_alert(row) for row in self.queryset.iterator(chunk_size=2000))


def _alert_lists(as_of: dt.date, counted=None) -> dict[str, AlertList]:
    missing_detail = str(_("No data for %(year)s") % {"year": as_of.year - 1})
    ratios = rd_ratio_changes(as_of)
    ratio_counts = SharedCount(ratios, **{AlertKind.RD_RATIO_LOW: Q(below_floor=True), AlertKind.RD_RATIO_HALVED: Q(halved=True)})
    lists = [
        AlertList(AlertKind.CERTIFICATE_EXPIRING, expiring_certificates(as_of), _certificate_alert, counted),
        AlertList(AlertKind.YEARLY_MISSING, missing_last_year(as_of),
                  lambda firm: Alert(AlertKind.YEARLY_MISSING, firm.pk, firm.name, firm.uscc, missing_detail), counted),
        AlertList(AlertKind.GONE, gone_enterprises(),
                  lambda firm: Alert(AlertKind.GONE, firm.pk, firm.name, firm.uscc, firm.get_status_display()), counted),
        AlertList(AlertKind.RD_RATIO_LOW, ratios.filter(below_floor=True), _ratio_low_alert, counted or ratio_counts),
        AlertList(AlertKind.RD_RATIO_HALVED, ratios.filter(halved=True), _ratio_halved_alert, counted or ratio_counts),
    ]
    return {found.kind: found for found in lists}


def alert_lists(as_of: dt.date) -> dict[str, AlertList]:
    """Each kind's alerts as of a date, in the kinds' order; within a kind, by its own order. Their sizes
    are the stored `alert_counts`, so that a page of one kind reads only its rows."""
    counts = None

    def counted(kind: str) -> int:
        nonlocal counts
        counts = counts or alert_counts(as_of)
        return counts[kind]

    return _alert_lists(as_of, counted)


@stored_figure("registry.alert_counts", reads=(Enterprise, Certificate, YearlyData))
def alert_counts(as_of: dt.date) -> dict[str, int]:
    """How many alerts of each kind, counted by the database (one COUNT per kind, one for both R&D ratio
    kinds) and stored until the records they count change."""
    return {kind: found.count() for kind, found in _alert_lists(as_of).items()}


def alerts(as_of: dt.date) -> list[Alert]:
    """Every monitoring alert as of a date, in a fixed order: kind, then enterprise."""
    return [alert for found in alert_lists(as_of).values() for alert in found]
