"""The demo district's cultivation history (contract in `kechuang.demo`).

Past cohorts are read off the registry: a firm that gained a tier's certificate in a year was selected,
enrolled and cultivated in the months before it; some firms without one were selected that year too and
left with a reason. The current cohort comes from a screening as of the demo date. Everything is written
through the pipeline services, so the demo obeys the same workflow and audit as real use."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, OuterRef

from kechuang.core.choices import Role
from kechuang.cultivation import screening, services
from kechuang.cultivation.choices import ActionKind, Tier
from kechuang.cultivation.models import Enrollment
from kechuang.demo import register
from kechuang.registry.models import Certificate, Enterprise

PAST_YEARS = 3
CANDIDATE_EXIT_REASONS = ("企业暂无申报意愿", "营业收入规模不足", "知识产权数量未达标", "研发费用归集不规范")
ENROLLED_EXIT_REASONS = ("未通过认定评审", "企业迁出生态城", "研发投入下降, 暂缓申报")
ACTION_NOTES = {
    ActionKind.VISIT: "专人上门走访, 梳理申报材料",
    ActionKind.BRIEFING: "政策宣讲与解读",
    ActionKind.VOUCHER: "发放高企服务券",
    ActionKind.TRAINING: "研发费用归集专题培训",
}


def _month_start(date: dt.date, months_back: int) -> dt.date:
    index = date.year * 12 + date.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _past_cohort(context, tier: str, year: int, officer) -> None:
    """A year's cohort: firms certified that year, and about half as many selected and dropped."""
    rng = context.rng
    # First certifications only: renewing a certificate is not a cultivation success.
    earlier = Certificate.objects.filter(enterprise=OuterRef("enterprise"), kind=tier, issued__lt=OuterRef("issued"))
    certified = list(
        Certificate.objects.filter(kind=tier, issued__year=year, issued__lte=context.as_of)
        .filter(enterprise__in=Enterprise.objects.in_district())
        .exclude(Exists(earlier))
        .select_related("enterprise")
        .order_by("issued", "number")
    )
    # Group by selection month so that each month's cards move together (one bulk call per step).
    groups = defaultdict(list)
    for certificate in certified:
        # Selected some months before the certificate, within its year, and enrolled before it was issued.
        selected = _month_start(certificate.issued, min(rng.randint(4, 9), certificate.issued.month - 1))
        enrolled = selected + dt.timedelta(days=min(rng.randint(10, 25), (certificate.issued - selected).days))
        groups[selected, enrolled].append(certificate.enterprise)
    for (selected, enrolled), enterprises in sorted(groups.items()):
        rows = services.select_candidates(enterprises, tier, selected.year, officer, on=selected)
        services.enrol(rows, officer, officer, on=enrolled)
        kind = rng.choice(sorted(ACTION_NOTES))
        services.log_action(rows, kind, enrolled + dt.timedelta(days=rng.randint(20, 45)), ACTION_NOTES[kind], officer)
    services.detect_recognitions(tier)

    never = list(
        Enterprise.objects.in_district().exclude(certificates__kind=tier).exclude(enrollments__tier=tier).order_by("uscc")
    )
    dropped = rng.sample(never, min(len(never), max(1, round(len(certified) * rng.uniform(0.3, 0.9)))))
    if not dropped:
        return
    selected = dt.date(year, rng.randint(2, 5), 1)
    rows = services.select_candidates(dropped, tier, year, officer, on=selected)
    # Some leave as candidates, the rest after enrolment (at least one: a lone row is enrolled).
    half = int(len(rows) * rng.uniform(0.3, 0.7))
    if rows[:half]:
        services.exit_pipeline(rows[:half], rng.choice(CANDIDATE_EXIT_REASONS), officer, selected + dt.timedelta(days=30))
    services.enrol(rows[half:], officer, officer, on=selected + dt.timedelta(days=20))
    services.exit_pipeline(rows[half:], rng.choice(ENROLLED_EXIT_REASONS), officer, dt.date(year, 12, 20))


def _current_cohort(context, tier: str, officer) -> int:
    """This year's cohort from the latest screening: the closest firms selected today, most enrolled,
    some already visited."""
    rng = context.rng
    results = list(screening.candidates(tier).order_by("gap_count", "-score", "enterprise__uscc")[: rng.randint(6, 14)])
    if not results:
        return 0
    today = context.as_of
    rows = services.select_candidates([r.enterprise for r in results], tier, today.year, officer, on=today)
    enrolled = [row for row in rows if rng.random() < 0.6]
    if enrolled:
        services.enrol(enrolled, officer, officer, on=today)
        visited = enrolled[: len(enrolled) // 2]
        if visited:
            services.log_action(visited, ActionKind.VISIT, today, ACTION_NOTES[ActionKind.VISIT], officer)
    return len(rows)


@register("cultivation", after=("registry", "policy"))
def populate(context) -> None:
    officer = context.users[Role.OFFICER]
    for tier in Tier.values:
        for year in range(context.as_of.year - PAST_YEARS, context.as_of.year):
            _past_cohort(context, tier, year, officer)
    current = sum(_current_cohort(context, tier, officer) for tier in Tier.values)
    total = Enrollment.objects.count()
    context.stdout.write(f"cultivation: {total} enrollments over {PAST_YEARS + 1} cohorts, {current} in the current one\n")
