"""Programme statistics: calls, applications, award rate, funds awarded and paid by year, programme, field
and firm size, each aggregated in SQL."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kechuang.core.ledger import to_money
from kechuang.projects.choices import ApplicationState, Programme
from kechuang.projects.models import Application, Call, Project
from kechuang.registry.models import YearlyData

SUBMITTED = ~Q(state__in=(ApplicationState.DRAFT, ApplicationState.WITHDRAWN))
APPROVED = Q(state=ApplicationState.APPROVED)
# Firm size by employees in the year before the call (unverified simplification of 工信部联企业〔2011〕300号,
# whose thresholds differ by industry and also read revenue): below 20 micro, 100 small, 300 medium.
SIZES = ((20, _("Micro")), (100, _("Small")), (300, _("Medium")))
HEADERS = [_("Breakdown"), _("Number of applications"), _("Approved"), _("Award rate"), _("Awarded (10k yuan)"), _("Paid (10k yuan)")]


@dataclass
class Table:
    title: str
    headers: list
    rows: list


def _rows(grouped, label) -> list[tuple]:
    rows = []
    for row in grouped:
        rate = f"{row['approved'] / row['applications']:.0%}" if row["applications"] else "—"
        rows.append((label(row["group"]), row["applications"], row["approved"], rate, to_money(row["awarded"] or 0),
                     to_money(row["paid"] or 0)))
    return rows


def _grouped(queryset, key):
    return queryset.filter(SUBMITTED).values(group=F(key)).annotate(
        applications=Count("pk"), approved=Count("pk", filter=APPROVED), awarded=Sum("awarded", filter=APPROVED),
        paid=Sum("project__account__paid"),
    ).order_by("group")


def _size_case():
    employees = Subquery(YearlyData.objects.filter(enterprise=OuterRef("enterprise"), year=OuterRef("call__year") - 1).values(
        "employees")[:1])
    whens = [When(employees__lt=limit, then=Value(index)) for index, (limit, _label) in enumerate(SIZES)]
    return employees, Case(*whens, When(employees__isnull=False, then=Value(len(SIZES))), default=Value(-1),
                           output_field=IntegerField())


def tables() -> list[Table]:
    applications = Application.objects.all()
    programmes = dict(Programme.choices)
    from kechuang.core.models import HighTechDomain

    fields = dict(HighTechDomain.objects.filter(level="domain").values_list("code", "name"))
    employees, size = _size_case()
    sized = applications.annotate(employees=employees).annotate(size=size)
    size_labels = {index: label for index, (_limit, label) in enumerate(SIZES)}
    size_labels.update({len(SIZES): _("Large"), -1: _("Not known (institutions, no yearly data)")})
    return [
        Table(_("By year"), HEADERS, _rows(_grouped(applications, "call__year"), str)),
        Table(_("By programme"), HEADERS, _rows(_grouped(applications, "call__programme"), lambda v: programmes.get(v, v))),
        Table(_("By field"), HEADERS, _rows(_grouped(applications, "field"), lambda v: fields.get(v, v))),
        Table(_("By firm size"), HEADERS, _rows(_grouped(sized, "size"), lambda v: size_labels.get(v, v))),
    ]


def totals() -> dict:
    money = Project.objects.aggregate(awarded=Coalesce(Sum("award"), Decimal(0)), paid=Coalesce(Sum("account__paid"), Decimal(0)))
    return {"calls": Call.objects.count(), "applications": Application.objects.filter(SUBMITTED).count(),
            **{key: to_money(value) for key, value in money.items()}}
