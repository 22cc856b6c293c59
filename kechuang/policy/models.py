"""Rule-set versions as loaded into the database, and the stored results of bulk screening."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.access import ScopedQuerySet
from kechuang.core.audit import AuditedModel
from kechuang.policy.choices import Status
from kechuang.registry.models import OWNED_BY_ENTERPRISE


class RuleSetVersion(AuditedModel):
    """One rule-set file (key + version) as loaded at start-up / by `kechuang loadrules`."""

    key = models.CharField(_("key"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    issuer = models.CharField(_("issuer"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=200)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    body = models.JSONField(_("body"))
    checksum = models.CharField(_("checksum"), max_length=64)
    criteria_count = models.PositiveSmallIntegerField(_("criteria"), default=0)
    verified_count = models.PositiveSmallIntegerField(_("verified criteria"), default=0)
    path = models.CharField(_("file"), max_length=500, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        ordering = ["key", "-effective_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="ruleset_unique_version")]
        verbose_name = _("rule-set version")
        verbose_name_plural = _("rule-set versions")

    def __str__(self):
        return f"{self.name} ({self.key} {self.version})"

    @property
    def provisional_count(self):
        return self.criteria_count - self.verified_count


class ScreeningRunQuerySet(models.QuerySet):
    def latest_finished_id(self) -> int | None:
        """The latest finished run's id: the run whose results the pages read."""
        return self.filter(finished__isnull=False).order_by("-finished", "-id").values_list("pk", flat=True).first()


class ScreeningRun(AuditedModel):
    as_of = models.DateField(_("as of"))
    started = models.DateTimeField(_("started"))
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    objects = ScreeningRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started"]
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")

    def __str__(self):
        return f"{self.as_of} ({self.started:%Y-%m-%d %H:%M})"


WITHIN_REACH = models.Q(status=Status.INELIGIBLE, fixable=True, gap_count__gte=1, gap_count__lte=2)


class ScreeningResultQuerySet(ScopedQuerySet):
    def latest(self, *fields):
        """The results of the latest finished screening run (with field names: Django's latest())."""
        if fields:
            return super().latest(*fields)
        run_id = ScreeningRun.objects.latest_finished_id()
        return self.filter(run_id=run_id) if run_id else self.none()

    def for_tier(self, key: str):
        return self.filter(ruleset_key=key)

    def eligible(self):
        return self.filter(status=Status.ELIGIBLE)

    def ineligible(self):
        return self.filter(status=Status.INELIGIBLE)

    def needs_review(self):
        return self.filter(status=Status.NEEDS_REVIEW)

    def within_reach(self):
        """Ineligible, and one or two changes to figures away (no unfixable failure on the way)."""
        return self.filter(WITHIN_REACH)

    def worth_cultivating(self):
        """Eligible, waiting on expert-judged criteria, or within reach: one condition, so that the
        database reads the results once (a union of the three querysets repeats every subquery)."""
        return self.filter(models.Q(status=Status.ELIGIBLE) | models.Q(status=Status.NEEDS_REVIEW) | WITHIN_REACH)


class ScreeningResult(models.Model):
    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="results")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="screening_results")
    ruleset_key = models.CharField(_("rule set"), max_length=40)
    ruleset_version = models.CharField(_("rule-set version"), max_length=20)
    as_of = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    score = models.IntegerField(_("score"), null=True, blank=True)
    score_min = models.IntegerField(_("lowest score"), null=True, blank=True)
    score_max = models.IntegerField(_("highest score"), null=True, blank=True)
    gap_count = models.PositiveSmallIntegerField(_("gaps"), default=0)
    fixable = models.BooleanField(_("gaps fixable"), default=True)
    # Empty (None) until asked for: a screening stores the figures lists filter and sort by, and
    # `policy.services.explain()` evaluates the criteria and gaps of the rows a page shows.
    criteria = models.JSONField(_("criteria"), default=list, null=True)
    gaps = models.JSONField(_("gaps"), default=list, null=True)

    objects = ScreeningResultQuerySet.as_manager()
    row_scope = OWNED_BY_ENTERPRISE

    class Meta:
        ordering = ["ruleset_key", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise", "ruleset_key"], name="screening_one_result")
        ]
        indexes = [models.Index(fields=["run", "ruleset_key", "status"])]
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")

    def __str__(self):
        return f"{self.enterprise_id} {self.ruleset_key} {self.status}"
