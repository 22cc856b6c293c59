"""The cultivation pipeline: one Enrollment per enterprise, tier and pass through the pipeline, and the
actions officers log while cultivating it. Stage dates are typed columns because the funnel, the
conversion rates and the plan's forecasts are all computed from them."""
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core import formatting
from kechuang.core.access import ANY_ROLE, Scope, ScopedQuerySet
from kechuang.core.audit import AuditedModel
from kechuang.cultivation.choices import ActionKind, Stage, Tier
from kechuang.cultivation.workflow import OPEN_STAGES, STAGE_DATE_FIELD
from kechuang.registry.models import OWNED_BY_ENTERPRISE


def ratio(numerator: int, denominator: int) -> float | None:
    """A fraction, or None when nothing was there to convert (never a made-up 0%)."""
    return round(numerator / denominator, 4) if denominator else None


def score_text(score, score_min, score_max) -> str:
    """A screening's score, or its range when expert-judged items decide, said as such ("专家评分项未定，
    可能得分 20–94")."""
    if score is not None:
        return str(score)
    if score_min is not None:
        return formatting.score_range_text(score_min, score_max)
    return "—"


class EnrollmentQuerySet(ScopedQuerySet):
    def for_tier(self, tier: str):
        return self.filter(tier=tier)

    def open(self):
        """Still in the pipeline: selected, enrolled or being cultivated."""
        return self.filter(stage__in=OPEN_STAGES)

    def open_or_closed_since(self, date: dt.date):
        return self.filter(Q(stage__in=OPEN_STAGES) | Q(recognised_on__gte=date) | Q(exited_on__gte=date))

    def in_stage_on(self, stage: str, date: dt.date):
        """The enrollments that stood in `stage` on `date`, read from the stage dates so that past days
        can be asked about too. A stage lasts from its own date until the next stage's date."""
        entered = {f"{STAGE_DATE_FIELD[stage]}__lte": date}
        later = {
            Stage.CANDIDATE: (Stage.ENROLLED, Stage.EXITED),
            Stage.ENROLLED: (Stage.CULTIVATING, Stage.RECOGNISED, Stage.EXITED),
            Stage.CULTIVATING: (Stage.RECOGNISED, Stage.EXITED),
            Stage.RECOGNISED: (),
            Stage.EXITED: (),
        }[stage]
        queryset = self.filter(**entered)
        for next_stage in later:
            queryset = queryset.exclude(**{f"{STAGE_DATE_FIELD[next_stage]}__lte": date})
        return queryset

    def funnel(self) -> list[dict]:
        """Per cohort year: how many were selected, how many of them reached 入库 and 认定, and the rates
        enrolment = enrolled / candidates, recognition = recognised / enrolled, overall = recognised /
        candidates. Every enrollment starts as a candidate, so `candidates` is the cohort's size."""
        rows = (
            self.order_by()
            .values("year")
            .annotate(
                candidates=Count("pk"),
                enrolled=Count("pk", filter=Q(enrolled_on__isnull=False)),
                recognised=Count("pk", filter=Q(recognised_on__isnull=False)),
                exited=Count("pk", filter=Q(exited_on__isnull=False)),
            )
            .order_by("year")
        )
        return [
            {
                **row,
                "enrolment_rate": ratio(row["enrolled"], row["candidates"]),
                "recognition_rate": ratio(row["recognised"], row["enrolled"]),
                "overall_rate": ratio(row["recognised"], row["candidates"]),
            }
            for row in rows
        ]


class Enrollment(AuditedModel):
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="enrollments"
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    year = models.PositiveSmallIntegerField(_("cohort year"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.CANDIDATE)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrollments_in_charge",
    )
    candidate_on = models.DateField(_("selected on"))
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    cultivating_on = models.DateField(_("cultivation started on"), null=True, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=300, blank=True)
    certificate = models.OneToOneField(
        "registry.Certificate",
        verbose_name=_("recognising certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrollment",
    )
    # What the screening said when the enterprise was selected, kept so the board explains the choice
    # even after later screenings.
    screened_on = models.DateField(_("screened as of"), null=True, blank=True)
    score = models.IntegerField(_("score"), null=True, blank=True)
    # When expert-judged items decide, the screening gives a range instead of a score.
    score_min = models.IntegerField(_("lowest score"), null=True, blank=True)
    score_max = models.IntegerField(_("highest score"), null=True, blank=True)
    gap_count = models.PositiveSmallIntegerField(_("gaps"), null=True, blank=True)
    gaps = models.JSONField(_("gap messages"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrollmentQuerySet.as_manager()
    # Officers and leaders see the whole pipeline; an enterprise user sees its own enterprise's.
    row_scope = OWNED_BY_ENTERPRISE
    audit_exclude = ("created_at", "updated_at")

    class Meta:
        ordering = ["tier", "-year", "enterprise__name"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            # Two officers selecting the same enterprise at once: the database keeps one.
            models.UniqueConstraint(
                fields=["enterprise", "tier"], condition=Q(stage__in=OPEN_STAGES), name="cultivation_one_open_per_tier"
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.EXITED) | ~Q(exit_reason=""), name="cultivation_exit_needs_reason"
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.RECOGNISED) | Q(certificate__isnull=False),
                name="cultivation_recognition_needs_certificate",
            ),
        ]
        indexes = [models.Index(fields=["tier", "year"]), models.Index(fields=["tier", "stage"])]

    def __str__(self):
        return f"{self.enterprise} · {self.get_tier_display()} {self.year}"

    def get_absolute_url(self):
        return reverse("cultivation:enrollment", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def score_text(self) -> str:
        return score_text(self.score, self.score_min, self.score_max)

    def stage_dates(self) -> list[tuple[str, dt.date | None]]:
        return [(label, getattr(self, STAGE_DATE_FIELD[value])) for value, label in Stage.choices]


class CultivationAction(AuditedModel):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=12, choices=ActionKind.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope({ANY_ROLE: "enrollment__enterprise__members"})

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("cultivation action")
        verbose_name_plural = _("cultivation actions")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"
