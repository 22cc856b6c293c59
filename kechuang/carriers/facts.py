"""What the registry knows about tenants and carriers, read in bulk (a handful of queries whatever the
number of tenants): the facts the tenant rule sets test, and each carrier's yearly figures that the
火炬统计 report computes and the evaluation scores."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from kechuang.carriers.choices import ReportState, TenantStatus
from kechuang.carriers.models import Carrier, CarrierReport, Tenant
from kechuang.registry.models import Certificate, IntellectualProperty, Investment, YearlyData

HNTE = "hnte"
CENT = Decimal("0.01")


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (a month counts once its day of the month is reached)."""
    return (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)


def _hnte_holders(enterprise_ids, on: dt.date) -> set[int]:
    return set(Certificate.objects.valid_on(on).filter(kind=HNTE, enterprise_id__in=enterprise_ids)
               .values_list("enterprise_id", flat=True))


def _revenue(enterprise_ids, years) -> dict[tuple[int, int], Decimal]:
    rows = YearlyData.objects.filter(enterprise_id__in=enterprise_ids, year__in=years, revenue__isnull=False)
    return {(e, y): revenue for e, y, revenue in rows.values_list("enterprise_id", "year", "revenue")}


def tenant_facts(tenants, as_of: dt.date, *, admission: bool = False) -> dict[int, dict]:
    """{tenant pk: facts} on `as_of`. `admission` adds the 科小 evaluation on each entry date, one policy
    evaluation per tenant, so only pages about a few tenants ask for it."""
    tenants = list(tenants)
    ids = {t.enterprise_id for t in tenants}
    hnte = _hnte_holders(ids, as_of)
    invested = dict(Investment.objects.filter(enterprise_id__in=ids, date__lte=as_of).values("enterprise_id")
                    .annotate(total=Sum("amount")).values_list("enterprise_id", "total"))
    years = (as_of.year - 1, as_of.year - 2)
    revenue = _revenue(ids, years)
    out = {}
    for tenant in tenants:
        enterprise = tenant.enterprise
        both = [revenue.get((tenant.enterprise_id, year)) for year in years]
        facts = {
            "hnte_valid": tenant.enterprise_id in hnte,
            "investment_total": Decimal(invested.get(tenant.enterprise_id) or 0).quantize(CENT),
            "revenue_two_years": None if None in both else Decimal(sum(both)).quantize(CENT),
            "revenue_two_years_year": [years[1], years[0]],
            "acquired_or_listed": tenant.acquired_or_listed,
            "age_at_entry_months": None if enterprise.established is None else months_between(enterprise.established, tenant.entered),
            "registered_in_carrier_region": enterprise.region_id.startswith(tenant.carrier.region_id),
            "incubation_months": months_between(tenant.entered, min(tenant.exited or as_of, as_of)),
        }
        if admission:
            # The policy layer is to the left of this app; imported here because only admission asks.
            from kechuang.policy.services import evaluate_enterprise

            facts["tsme_eligible"] = {"eligible": True, "ineligible": False}.get(
                evaluate_enterprise(enterprise, "tsme", as_of=tenant.entered)["status"])
        out[tenant.pk] = facts
    return out


def carrier_figures(year: int, carriers=None) -> dict[int, dict]:
    """{carrier pk: figures of `year`}: what the registry knows (tenants at year end, graduates, their
    高企, IP, financing, revenue, R&D, jobs) and, from the carrier's submitted or accepted 火炬统计 return,
    what only the carrier knows (mentors, staff, funds, income, events)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    tenants = Tenant.objects.all() if carriers is None else Tenant.objects.filter(carrier__in=carriers)
    current = list(tenants.in_incubation_on(end).values_list("carrier_id", "enterprise_id"))
    ids = {e for _, e in current}
    hnte = _hnte_holders(ids, end)
    with_ip = set(IntellectualProperty.objects.valid_on(end).filter(owners__in=ids).values_list("owners", flat=True))
    financed = set(Investment.objects.filter(enterprise_id__in=ids, date__gte=start, date__lte=end)
                   .values_list("enterprise_id", flat=True))
    yearly = {e: (rev, rd, emp) for e, rev, rd, emp in YearlyData.objects.filter(enterprise_id__in=ids, year=year)
              .values_list("enterprise_id", "revenue", "rd_expense", "employees")}
    before = {e: (rev, rd) for e, rev, rd in YearlyData.objects.filter(enterprise_id__in=ids, year=year - 1)
              .values_list("enterprise_id", "revenue", "rd_expense")}
    graduated_year = defaultdict(int)
    for carrier_id in tenants.graduated_between(start, end).values_list("carrier_id", flat=True):
        graduated_year[carrier_id] += 1
    graduated_total = defaultdict(int)
    for carrier_id in tenants.filter(status=TenantStatus.GRADUATED, graduated_on__lte=end).values_list("carrier_id", flat=True):
        graduated_total[carrier_id] += 1
    figures = defaultdict(lambda: defaultdict(lambda: Decimal(0)))
    for carrier_id, enterprise_id in current:
        f = figures[carrier_id]
        f["tenants"] += 1
        f["hnte_tenants"] += enterprise_id in hnte
        f["ip_tenants"] += enterprise_id in with_ip
        f["financed_tenants"] += enterprise_id in financed
        revenue, rd, employees = yearly.get(enterprise_id, (None, None, None))
        f["grown_tenants"] += _grew(yearly.get(enterprise_id), before.get(enterprise_id))
        f["tenant_revenue"] += revenue or 0
        f["tenant_rd"] += rd or 0
        f["jobs"] += employees or 0
    carrier_rows = Carrier.objects.all() if carriers is None else Carrier.objects.filter(pk__in=[c.pk for c in carriers])
    reports = {r.carrier_id: r for r in CarrierReport.objects.filter(
        year=year, state__in=(ReportState.SUBMITTED, ReportState.ACCEPTED), carrier__in=carrier_rows)}
    out = {}
    for carrier in carrier_rows:
        f = dict(figures[carrier.pk])
        tenants_count = f.get("tenants", Decimal(0))
        f.update(tenants=int(tenants_count), graduates_year=graduated_year[carrier.pk],
                 graduates_total=graduated_total[carrier.pk])
        for key in ("hnte_tenants", "ip_tenants", "financed_tenants", "grown_tenants", "jobs"):
            f[key] = int(f.get(key, 0))
        for key in ("tenant_revenue", "tenant_rd"):
            f[key] = Decimal(f.get(key, 0))
        f["tenants_per_1000m2"] = (Decimal(tenants_count) * 1000 / carrier.floor_area).quantize(Decimal("0.01")) if carrier.floor_area else None
        f["ip_share"] = _share(f["ip_tenants"], tenants_count)
        f["financed_share"] = _share(f["financed_tenants"], tenants_count)
        f["growth_share"] = _share(f["grown_tenants"], tenants_count)
        f["floor_area"] = carrier.floor_area
        f.update(_reported(reports.get(carrier.pk), tenants_count))
        out[carrier.pk] = f
    return out


GROWTH = Decimal("1.2")


def _grew(now, before) -> bool:
    """Revenue or R&D expense up by more than 20% on the year before (131号 标准级)."""
    if not now or not before:
        return False
    return any(b and n is not None and n > b * GROWTH for n, b in zip(now[:2], before))


def _share(part, whole):
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None


def _reported(report, tenants) -> dict:
    """The figures of the carrier's return, and the ratios the evaluation reads from them (None when the
    return is not in)."""
    if report is None:
        return {"report": None, "mentors_per_10": None, "professional_share": None, "incubation_fund": None,
                "service_income_share": None, "events_held": None}
    income = (report.service_income or 0) + (report.rent_income or 0)
    return {
        "report": report.pk,
        "mentors_per_10": (Decimal(report.mentors) * 10 / tenants).quantize(Decimal("0.01")) if report.mentors is not None and tenants else None,
        "professional_share": _share(report.professional_staff, report.staff) if report.professional_staff is not None and report.staff else None,
        "incubation_fund": report.incubation_fund,
        "service_income_share": _share(report.service_income, income) if report.service_income is not None and income else None,
        "events_held": report.events_held,
    }
