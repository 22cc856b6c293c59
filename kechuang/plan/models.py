"""A plan as data: its indicators and yearly targets (附件1), its areas, tasks and their division among
departments (附件2), safeguards, and the supervision records (progress reports)."""
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.access import InDepartment, Scope, ScopedQuerySet
from kechuang.core.audit import AuditedModel
from kechuang.core.choices import Role
from kechuang.core.uploads import validate_upload
from kechuang.plan.choices import Direction, IndicatorKind, ReportingPeriod, ReportState, Unit

VALUE = {"max_digits": 20, "decimal_places": 6}


class Plan(AuditedModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    parent = models.ForeignKey(
        "self", verbose_name=_("parent plan"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Computed indicators count enterprises registered under this 统计用区划代码; blank means the
    # installation's district (KECHUANG_DISTRICT_CODE).
    district_code = models.CharField(_("district code"), max_length=12, blank=True)
    reporting_period = models.CharField(
        _("reporting period"), max_length=10, choices=ReportingPeriod.choices, default=ReportingPeriod.QUARTERLY
    )
    report_grace_days = models.PositiveSmallIntegerField(_("days after a period to report"), default=10)
    preamble = models.TextField(_("preamble"), blank=True)

    objects = ScopedQuerySet.as_manager()
    # A liaison sees the plans in which its department leads or helps with a task.
    row_scope = Scope({Role.LIAISON: InDepartment("tasks__lead_department", "tasks__co_departments")})

    class Meta:
        ordering = ["-end_year", "code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_period_order")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("plan:cockpit", args=[self.code])

    @property
    def region_code(self) -> str:
        return self.district_code or settings.KECHUANG_DISTRICT_CODE

    @property
    def starts(self) -> dt.date:
        return dt.date(self.start_year, 1, 1)

    @property
    def ends(self) -> dt.date:
        return dt.date(self.end_year, 12, 31)

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class Indicator(AuditedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=2, choices=Direction.choices, default=Direction.AT_LEAST)
    target = models.DecimalField(_("final target"), **VALUE)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.COMPUTED)
    query = models.CharField(_("named query"), max_length=60, blank=True)
    # A flow (e.g. contract turnover) counts only the current calendar year, so its pace starts from zero
    # each January; a stock (e.g. valid patents) starts from last year's closing value.
    resets_yearly = models.BooleanField(_("counts one calendar year"), default=False)
    clause = models.CharField(_("clause"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_per_plan")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name

    def year_target(self, year: int):
        return next((t.value for t in self.year_targets.all() if t.year == year), None)


class YearTarget(AuditedModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="year_targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), **VALUE)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="year_target_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="year_target_not_negative"),
        ]
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.value}"


class YearEndValueQuerySet(models.QuerySet):
    def moved_by(self, queries: list[str], manual_figure: bool):
        """The stored values a change to a row can move: those of computed indicators whose named query
        reads it (`queries`), of manual ones when it is a manual figure, and of every rollup (its
        children's queries are not its own)."""
        moved = Q(indicator__kind=IndicatorKind.ROLLUP) | Q(indicator__kind=IndicatorKind.COMPUTED,
                                                            indicator__query__in=queries)
        if manual_figure:
            moved |= Q(indicator__kind=IndicatorKind.MANUAL)
        return self.filter(moved)


class YearEndValue(models.Model):
    """An indicator's value on 31 December of a past year, measured once and read by every cockpit view
    (the baseline and the trend's history) instead of re-running the indicator's query on each date.
    Cleared when a record an indicator counts changes; `kechuang yearends` recomputes them all."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="year_end_values")
    year = models.PositiveSmallIntegerField(_("year"))
    # Wide enough for a ratio measured to Decimal's precision (研发投入强度 = R&D / GDP).
    value = models.DecimalField(_("value"), max_digits=40, decimal_places=20, null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    objects = YearEndValueQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="year_end_value_once")]
        verbose_name = _("year-end value")
        verbose_name_plural = _("year-end values")

    def __str__(self):
        return f"{self.indicator} {self.year}-12-31: {self.value}"


class ManualFigureQuerySet(ScopedQuerySet):
    def latest_on(self, key: str, date: dt.date):
        """The newest figure for `key` describing a day on or before `date`."""
        return self.filter(key=key, date__lte=date).order_by("-date", "-pk").first()


class ManualFigure(AuditedModel):
    """A figure that comes from outside the registries (统计局: R&D expenditure, GDP; or any manual
    indicator series), kept with its source, the day it describes and the evidence."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="figures")
    key = models.SlugField(_("figure"), max_length=60, help_text=_("rd_expenditure, gdp, or a manual indicator's code"))
    date = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), **VALUE)
    source = models.CharField(_("source"), max_length=200)
    evidence = models.FileField(_("evidence file"), upload_to="plan/figures/%Y/", blank=True, validators=[validate_upload])
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    objects = ManualFigureQuerySet.as_manager()
    row_scope = Scope()

    class Meta:
        ordering = ["plan", "key", "-date"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="manual_figure_not_negative")]
        verbose_name = _("manual figure")
        verbose_name_plural = _("manual figures")

    def __str__(self):
        return f"{self.key} {self.date}: {self.value}"


class Area(AuditedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("clause"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="area_code_per_plan")]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return f"{self.code} {self.title}"


class TaskQuerySet(ScopedQuerySet):

    def assigned(self):
        return self.filter(lead_department__isnull=False)


class Task(AuditedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(_("task number"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    lead_department = models.ForeignKey(
        "core.Department", verbose_name=_("lead department"), null=True, blank=True, on_delete=models.PROTECT, related_name="led_tasks"
    )
    co_departments = models.ManyToManyField(
        "core.Department", verbose_name=_("co-departments"), blank=True, related_name="supported_tasks"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    objects = TaskQuerySet.as_manager()
    # Officers and leaders see every task; a liaison sees the tasks its department leads or helps.
    row_scope = Scope({Role.LIAISON: InDepartment("lead_department", "co_departments")})

    class Meta:
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="task_code_per_plan")]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("plan:task", args=[self.pk])


class Milestone(AuditedModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("yearly goal"))

    class Meta:
        ordering = ["task", "year"]
        constraints = [models.UniqueConstraint(fields=["task", "year"], name="milestone_once_a_year")]
        verbose_name = _("yearly milestone")
        verbose_name_plural = _("yearly milestones")

    def __str__(self):
        return f"{self.task.code} {self.year}"


class Safeguard(AuditedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="safeguards")
    code = models.CharField(_("clause"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("safeguard")
        verbose_name_plural = _("safeguards")

    def __str__(self):
        return f"{self.code} {self.title}"


class ProgressReportQuerySet(ScopedQuerySet):
    def accepted(self):
        return self.filter(state=ReportState.ACCEPTED)

    def awaiting_review(self):
        return self.filter(state=ReportState.SUBMITTED)


class ProgressReport(AuditedModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("period"), max_length=10, help_text="2022-03 / 2022-Q1")
    period_end = models.DateField(_("period ends"))
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("percent complete"))
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    objects = ProgressReportQuerySet.as_manager()
    row_scope = Scope({Role.LIAISON: InDepartment("task__lead_department", "task__co_departments")})

    class Meta:
        ordering = ["task", "-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="one_report_per_task_period"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100"),
        ]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.task.code} {self.period}"

    def get_absolute_url(self):
        return reverse("plan:report", args=[self.pk])


class Evidence(AuditedModel):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="plan/evidence/%Y/", validators=[validate_upload])
    name = models.CharField(_("name"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("plan:evidence", args=[self.report_id, self.pk])
