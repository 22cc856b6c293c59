"""The demo district's cultivation history (contract in `kechuang.demo`).

Past cohorts are read off the registry: a firm that gained a tier's certificate in a year was selected,
enrolled and cultivated in the months before it and recognised by that certificate; some firms without
one were selected that year too and left with a reason. The current cohort comes from the screening as
of the demo date (the policy part). Each card is written once, in its final state, in bulk: the stage
dates obey the pipeline's order (`cultivation.workflow`), the database constraints hold them, and every
row is chained in the audit log."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, OuterRef

from kechuang.core.audit import record_bulk, snapshot
from kechuang.core.choices import AuditAction, Role
from kechuang.cultivation import screening
from kechuang.cultivation.choices import ActionKind, Stage, Tier
from kechuang.cultivation.models import CultivationAction, Enrollment
from kechuang.demo import register
from kechuang.policy.services import explain
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
CURRENT_COHORT = (6, 14)  # cards per tier selected on the demo date, in a district of REFERENCE_SIZE


def _month_start(date: dt.date, months_back: int) -> dt.date:
    index = date.year * 12 + date.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


class PipelineBuilder:
    def __init__(self, context):
        self.context, self.rng, self.as_of = context, context.rng, context.as_of
        self.officer = context.users[Role.OFFICER]
        self.enrollments: list[Enrollment] = []
        self.actions: list[tuple[Enrollment, str, dt.date, str]] = []
        self.district = list(Enterprise.objects.in_district().order_by("uscc"))
        self.district_ids = {e.pk for e in self.district}

    def card(self, enterprise, tier: str, year: int, selected: dt.date, screened=None) -> Enrollment:
        row = Enrollment(
            enterprise=enterprise, tier=tier, year=year, stage=Stage.CANDIDATE, candidate_on=selected,
            screened_on=screened.as_of if screened else None, score=screened.score if screened else None,
            score_min=screened.score_min if screened else None, score_max=screened.score_max if screened else None,
            gap_count=screened.gap_count if screened else None,
            gaps=[gap["message"] for gap in screened.gaps] if screened else [],
        )
        self.enrollments.append(row)
        return row

    def enrol(self, row: Enrollment, on: dt.date):
        row.stage, row.enrolled_on, row.officer = Stage.ENROLLED, on, self.officer

    def act(self, row: Enrollment, kind: str, on: dt.date):
        """A logged action; the first one moves an enrolled card to 培育."""
        if row.stage == Stage.ENROLLED:
            row.stage, row.cultivating_on = Stage.CULTIVATING, on
        self.actions.append((row, kind, on, ACTION_NOTES[kind]))

    def exit(self, row: Enrollment, reason: str, on: dt.date):
        row.stage, row.exited_on, row.exit_reason = Stage.EXITED, on, reason

    def past_cohorts(self, tier: str):
        rng = self.rng
        # First certifications only: renewing a certificate is not a cultivation success.
        earlier = Certificate.objects.filter(enterprise=OuterRef("enterprise"), kind=tier, issued__lt=OuterRef("issued"))
        first = list(
            Certificate.objects.filter(kind=tier, issued__year__gte=self.as_of.year - PAST_YEARS,
                                       issued__year__lt=self.as_of.year, issued__lte=self.as_of)
            .exclude(Exists(earlier)).order_by("issued", "number")
        )
        holders = set(Certificate.objects.filter(kind=tier).values_list("enterprise_id", flat=True))
        by_pk = {e.pk: e for e in self.district}
        taken = set()
        for year in range(self.as_of.year - PAST_YEARS, self.as_of.year):
            certified = [c for c in first if c.issued.year == year and c.enterprise_id in self.district_ids]
            for certificate in certified:
                # Selected some months before the certificate, within its year, enrolled before it was
                # issued, visited or trained a few weeks later, and recognised by it.
                selected = _month_start(certificate.issued, min(rng.randint(4, 9), certificate.issued.month - 1))
                enrolled = selected + dt.timedelta(days=min(rng.randint(10, 25), (certificate.issued - selected).days))
                row = self.card(by_pk[certificate.enterprise_id], tier, selected.year, selected)
                self.enrol(row, enrolled)
                self.act(row, rng.choice(sorted(ACTION_NOTES)), enrolled + dt.timedelta(days=rng.randint(20, 45)))
                row.stage, row.certificate = Stage.RECOGNISED, certificate
                row.recognised_on = max(certificate.issued, row.cultivating_on)
                taken.add(certificate.enterprise_id)
            never = [e for e in self.district if e.pk not in holders and e.pk not in taken]
            dropped = rng.sample(never, min(len(never), max(1, round(len(certified) * rng.uniform(0.3, 0.9)))))
            if not dropped:
                continue
            taken.update(e.pk for e in dropped)
            selected = dt.date(year, rng.randint(2, 5), 1)
            rows = [self.card(enterprise, tier, year, selected) for enterprise in dropped]
            # Some leave as candidates, the rest after enrolment (at least one: a lone row is enrolled).
            half = int(len(rows) * rng.uniform(0.3, 0.7))
            reason = rng.choice(CANDIDATE_EXIT_REASONS)
            for row in rows[:half]:
                self.exit(row, reason, selected + dt.timedelta(days=30))
            reason = rng.choice(ENROLLED_EXIT_REASONS)
            for row in rows[half:]:
                self.enrol(row, selected + dt.timedelta(days=20))
                self.exit(row, reason, dt.date(year, 12, 20))

    def current_cohort(self, tier: str) -> int:
        """This year's cohort from the latest screening: the closest firms selected today, most enrolled,
        some already visited."""
        rng, today = self.rng, self.as_of
        size = self.context.scaled(rng.randint(*CURRENT_COHORT))
        # Every past card is closed, so none of the candidates is in the pipeline already.
        results = explain(list(screening.candidates(tier).filter(as_of__lte=today).order_by("gap_count", "-score", "enterprise__uscc")[:size]))
        rows = [self.card(result.enterprise, tier, today.year, today, result) for result in results]
        enrolled = [row for row in rows if rng.random() < 0.6]
        for row in enrolled:
            self.enrol(row, today)
        for row in enrolled[: len(enrolled) // 2]:
            self.act(row, ActionKind.VISIT, today)
        return len(rows)

    def save(self):
        Enrollment.objects.bulk_create(self.enrollments, batch_size=1000)
        record_bulk(Enrollment, [(AuditAction.CREATE, str(r.pk), str(r), None, snapshot(r)) for r in self.enrollments])
        actions = CultivationAction.objects.bulk_create(
            [CultivationAction(enrollment=row, kind=kind, date=on, note=note, officer=self.officer) for row, kind, on, note in self.actions],
            batch_size=1000,
        )
        record_bulk(CultivationAction, [(AuditAction.CREATE, str(a.pk), str(a.enrollment), None, snapshot(a)) for a in actions])


@register("cultivation", after=("registry", "policy"))
def populate(context) -> None:
    builder = PipelineBuilder(context)
    for tier in Tier.values:
        builder.past_cohorts(tier)
    current = sum(builder.current_cohort(tier) for tier in Tier.values)
    builder.save()
    context.stdout.write(
        f"cultivation: {len(builder.enrollments)} enrollments over {PAST_YEARS + 1} cohorts, {current} in the current one\n"
    )
