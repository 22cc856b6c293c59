"""S&T projects (科技计划项目): calls with their bands, eligibility, form and criteria; applications with
budgets and attachments; the expert pool and its scores; projects with their 任务书, milestones paid
through the ledger, reports, checks and changes; outcomes linked to the registry; and the periodic
collection rounds (定期收集) of achievements and demands."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.access import ANY_ROLE, Scope, ScopedQuerySet
from kechuang.core.audit import AuditedModel
from kechuang.core.choices import Role
from kechuang.core.ledger import LedgerAccount
from kechuang.core.scoring import Criterion
from kechuang.core.uploads import validate_upload
from kechuang.projects.choices import (
    AcceptanceResult, Answer, ApplicationState, AssignmentState, CallState, ChangeKind, ChangeState, CheckResult,
    CollectionKind, CostCategory, ExpertLevel, IndicatorKind, MilestoneKind, MilestoneState, OutcomeKind, Programme,
    ProjectState, ReportState, TargetPopulation,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0")
PUBLISHED = ~Q(state=CallState.DRAFT)


class Call(AuditedModel):
    """申报指南: what a call supports, for whom, with which form, by when, and how it is reviewed.

    `bands` (支持档次) is a list of {"label", "minimum", "maximum", "share", "per_firm"} in 万元 and as a
    fraction of the project's total cost; `eligibility` is {"in_district", "certificates" (any of),
    "no_serious_dishonesty"}; `form_fields` a list of {"key", "label", "required", "identifying"};
    `attachments` a list of {"key", "label"} that must all be uploaded; `criteria` the review criteria
    (kechuang.core.scoring.Criterion.as_data); `payment_schedule` a list of {"kind", "share"} adding to 1."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(_("budget (10k yuan)"), **MONEY)
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("closing date"))
    anonymised = models.BooleanField(_("anonymised review"), default=False)
    bands = models.JSONField(_("support bands"), default=list)
    eligibility = models.JSONField(_("eligibility"), default=dict)
    form_fields = models.JSONField(_("application form fields"), default=list, blank=True)
    attachments = models.JSONField(_("required attachments"), default=list, blank=True)
    criteria = models.JSONField(_("review criteria"), default=list)
    payment_schedule = models.JSONField(_("payment schedule"), default=list)
    project_months = models.PositiveSmallIntegerField(_("project duration (months)"), default=24)
    experts_per_application = models.PositiveSmallIntegerField(_("experts per application"), default=5)
    objection_days = models.PositiveSmallIntegerField(_("days of the public notice"), default=7)
    publicity_from = models.DateField(_("public notice from"), null=True, blank=True)
    publicity_until = models.DateField(_("public notice until"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=CallState.choices, default=CallState.DRAFT)
    account = models.OneToOneField(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()
    # Staff see drafts too; every signed-in user sees published calls.
    row_scope = Scope({ANY_ROLE: PUBLISHED})

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="projects_call_budget_not_negative"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("opens_on")), name="projects_call_dates_in_order"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:call", args=[self.code])

    @property
    def criterion_list(self) -> list[Criterion]:
        return [Criterion.from_data(item) for item in self.criteria]

    @property
    def ledger_code(self) -> str:
        return f"projects.call:{self.code}"


class ApplicationQuerySet(ScopedQuerySet):
    def submitted(self):
        return self.exclude(state__in=(ApplicationState.DRAFT, ApplicationState.WITHDRAWN))


class Application(AuditedModel):
    """申报书: one applicant's proposal to one call."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    number = models.CharField(_("application number"), max_length=80, unique=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("applicant enterprise"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="project_applications",
    )
    institution = models.ForeignKey(
        "techmarket.Institution", verbose_name=_("applicant institution"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="project_applications",
    )
    title = models.CharField(_("project title"), max_length=200)
    field = models.ForeignKey(
        "core.HighTechDomain", verbose_name=_("technical field"), on_delete=models.PROTECT, related_name="+"
    )
    leader = models.CharField(_("project leader"), max_length=50)
    band = models.PositiveSmallIntegerField(_("support band"), default=0)
    answers = models.JSONField(_("form answers"), default=dict, blank=True)
    total_cost = models.DecimalField(_("total cost (10k yuan)"), default=ZERO, **MONEY)
    own_funds = models.DecimalField(_("own funds (10k yuan)"), default=ZERO, **MONEY)
    requested = models.DecimalField(_("support requested (10k yuan)"), default=ZERO, **MONEY)
    state = models.CharField(_("state"), max_length=12, choices=ApplicationState.choices, default=ApplicationState.DRAFT)
    returned_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    formal_reason = models.CharField(_("formal review opinion"), max_length=300, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    score_method = models.CharField(_("aggregation"), max_length=14, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    awarded = models.DecimalField(_("amount awarded (10k yuan)"), null=True, blank=True, **MONEY)
    decision_reason = models.CharField(_("reason of the decision"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ApplicationQuerySet.as_manager()
    # An expert sees the applications assigned to it; an applicant its own.
    row_scope = Scope({
        Role.ENTERPRISE: "enterprise__members",
        Role.INSTITUTION: "institution__users",
        Role.EXPERT: "assignments__expert__user",
    })

    class Meta:
        ordering = ["call", "number"]
        verbose_name = _("project application")
        verbose_name_plural = _("project applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | Q(institution__isnull=False), name="projects_application_has_applicant"
            ),
            models.CheckConstraint(
                condition=Q(total_cost__gte=0, own_funds__gte=0, requested__gte=0), name="projects_application_money_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(awarded__isnull=True) | Q(awarded__lte=models.F("requested")), name="projects_awarded_within_request"
            ),
        ]
        indexes = [models.Index(fields=["call", "state"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("projects:application", args=[self.pk])

    @property
    def applicant_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.institution.name

    @property
    def applicant_uscc(self) -> str:
        if self.enterprise_id:
            return self.enterprise.uscc
        return self.institution.enterprise.uscc if self.institution.enterprise_id else ""

    @property
    def anonymous_label(self) -> str:
        """What an expert of an anonymised call reads instead of the applicant: the application's place in the call."""
        return _("Application %(serial)s") % {"serial": self.number.rsplit("-", 1)[-1]}


class CoApplicant(AuditedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="co_applicants")
    name = models.CharField(_("organisation"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("co-applicant")
        verbose_name_plural = _("co-applicants")

    def __str__(self):
        return self.name


class BudgetLine(AuditedModel):
    """One cost category of an application's budget table (万元)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("cost category"), max_length=12, choices=CostCategory.choices)
    own_funds = models.DecimalField(_("own funds (10k yuan)"), default=ZERO, **MONEY)
    requested = models.DecimalField(_("support requested (10k yuan)"), default=ZERO, **MONEY)

    class Meta:
        ordering = ["application", "category"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["application", "category"], name="projects_budget_line_once"),
            models.CheckConstraint(condition=Q(own_funds__gte=0, requested__gte=0), name="projects_budget_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.application_id} {self.get_category_display()}"

    @property
    def total(self) -> Decimal:
        return self.own_funds + self.requested


class Attachment(AuditedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    key = models.CharField(_("attachment"), max_length=40)
    file = models.FileField(_("file"), upload_to="projects/applications/%Y/", validators=[validate_upload])
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["application", "key"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.key


class Expert(AuditedModel):
    """An expert of the review pool (专家库)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="expert_profile"
    )
    name = models.CharField(_("name"), max_length=50)
    field = models.ForeignKey("core.HighTechDomain", verbose_name=_("field"), on_delete=models.PROTECT, related_name="+")
    employer = models.CharField(_("employer"), max_length=200)
    employer_uscc = models.CharField(_("employer's code"), max_length=18, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=ExpertLevel.choices, default=ExpertLevel.MUNICIPAL)
    declared_conflicts = models.JSONField(_("declared conflicts (names or codes)"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope({Role.EXPERT: "user"})

    class Meta:
        ordering = ["field", "name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return f"{self.name}（{self.employer}）"


class Assignment(AuditedModel):
    """One expert's review of one application: scores per criterion, the weighted total, comments."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    state = models.CharField(_("state"), max_length=10, choices=AssignmentState.choices, default=AssignmentState.ASSIGNED)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(_("weighted total"), max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope({Role.EXPERT: "expert__user"})

    class Meta:
        ordering = ["application", "expert"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="projects_assignment_once")]

    def __str__(self):
        return f"{self.application.number} · {self.expert.name}"

    def get_absolute_url(self):
        return reverse("projects:assignment", args=[self.pk])


class PanelMeeting(AuditedModel):
    """评审会: who met, when, and the minutes."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("held on"))
    experts = models.ManyToManyField(Expert, verbose_name=_("experts present"), blank=True, related_name="+")
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["call", "held_on"]
        verbose_name = _("panel meeting")
        verbose_name_plural = _("panel meetings")

    def __str__(self):
        return f"{self.call} {self.held_on}"


class Objection(AuditedModel):
    """An objection lodged during a call's public notice (公示期)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="objections")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, null=True, blank=True, related_name="objections")
    text = models.TextField(_("objection"))
    lodged_on = models.DateField(_("lodged on"))
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    response = models.TextField(_("response"), blank=True)

    class Meta:
        ordering = ["call", "lodged_on"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return f"{self.call}: {self.text[:30]}"


class ProjectQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(state__in=(ProjectState.CONTRACTING, ProjectState.UNDERWAY))


class Project(AuditedModel):
    """An approved application under its 任务书: the award is the limit of its ledger account."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="project")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="projects")
    number = models.CharField(_("project number"), max_length=80, unique=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="st_projects"
    )
    institution = models.ForeignKey(
        "techmarket.Institution", on_delete=models.PROTECT, null=True, blank=True, related_name="st_projects"
    )
    title = models.CharField(_("project title"), max_length=200)
    leader = models.CharField(_("project leader"), max_length=50)
    award = models.DecimalField(_("award (10k yuan)"), **MONEY)
    goals = models.TextField(_("goals"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    signed_on = models.DateField(_("contract signed on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ProjectState.choices, default=ProjectState.CONTRACTING)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_opinion = models.TextField(_("closing opinion"), blank=True)
    recovered = models.DecimalField(_("funds recovered (10k yuan)"), default=ZERO, **MONEY)
    account = models.OneToOneField(LedgerAccount, on_delete=models.PROTECT, related_name="+")

    objects = ProjectQuerySet.as_manager()
    row_scope = Scope({Role.ENTERPRISE: "enterprise__members", Role.INSTITUTION: "institution__users"})

    class Meta:
        ordering = ["-starts_on", "number"]
        verbose_name = _("S&T project")
        verbose_name_plural = _("S&T projects")
        constraints = [
            models.CheckConstraint(condition=Q(award__gt=0), name="projects_award_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="projects_dates_in_order"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("projects:project", args=[self.number])

    @property
    def holder_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.institution.name

    @property
    def ledger_code(self) -> str:
        return f"projects.project:{self.number}"


# Rows that belong to one project: its holder sees them.
OF_PROJECT = Scope({Role.ENTERPRISE: "project__enterprise__members", Role.INSTITUTION: "project__institution__users"})


class Indicator(AuditedModel):
    """An indicator of the 任务书 (patents, revenue, standards…): its target and what was achieved."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    name = models.CharField(_("indicator"), max_length=100)
    target = models.DecimalField(_("target"), **MONEY)
    achieved = models.DecimalField(_("achieved"), default=ZERO, **MONEY)

    objects = ScopedQuerySet.as_manager()
    row_scope = OF_PROJECT

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("contract indicator")
        verbose_name_plural = _("contract indicators")
        constraints = [models.CheckConstraint(condition=Q(target__gt=0, achieved__gte=0), name="projects_indicator_figures")]

    def __str__(self):
        return self.name


class MilestoneQuerySet(ScopedQuerySet):
    def late(self, on):
        """Not yet accepted although due before `on`."""
        return self.filter(state=MilestoneState.PLANNED, due_on__lt=on)


class Milestone(AuditedModel):
    """A milestone of the 任务书 and the payment it releases once accepted."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=MilestoneKind.choices)
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("payment (10k yuan)"), **MONEY)
    state = models.CharField(_("state"), max_length=10, choices=MilestoneState.choices, default=MilestoneState.PLANNED)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("paid (10k yuan)"), null=True, blank=True, **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()
    row_scope = OF_PROJECT

    class Meta:
        ordering = ["project", "order"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="projects_milestone_order_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="projects_milestone_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.project.number} #{self.order} {self.get_kind_display()}"

    @property
    def ledger_reference(self) -> str:
        return f"projects.payment:{self.project.number}/{self.order}"


class ReportQuerySet(ScopedQuerySet):
    def overdue(self, on):
        return self.filter(state__in=(ReportState.DRAFT, ReportState.RETURNED), due_on__lt=on)


class ProgressReport(AuditedModel):
    """A periodic progress report (进展报告): report, review, return."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("period"), max_length=40)
    due_on = models.DateField(_("due on"))
    text = models.TextField(_("progress"), blank=True)
    spent = models.DecimalField(_("spent to date (10k yuan)"), null=True, blank=True, **MONEY)
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    review_comment = models.CharField(_("review comment"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ReportQuerySet.as_manager()
    row_scope = OF_PROJECT

    class Meta:
        ordering = ["project", "due_on"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self):
        return f"{self.project.number} {self.period}"

    def get_absolute_url(self):
        return reverse("projects:project", args=[self.project.number])


class ProjectCheck(AuditedModel):
    """中期检查 or 验收: when, the result and the opinion; acceptance also records the indicators achieved."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("kind"), max_length=10, choices=[(MilestoneKind.MID_TERM, _("Mid-term check")),
                                                                (MilestoneKind.ACCEPTANCE, _("Acceptance"))])
    held_on = models.DateField(_("held on"))
    result = models.CharField(_("result"), max_length=10)
    opinion = models.TextField(_("opinion"))
    achieved = models.JSONField(_("indicators achieved"), default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()
    row_scope = OF_PROJECT

    class Meta:
        ordering = ["project", "held_on"]
        verbose_name = _("project check")
        verbose_name_plural = _("project checks")

    def __str__(self):
        return f"{self.project.number} {self.get_kind_display()} {self.result}"

    @property
    def result_label(self) -> str:
        choices = AcceptanceResult if self.kind == MilestoneKind.ACCEPTANCE else CheckResult
        return str(dict(choices.choices).get(self.result, self.result))


class ProjectChange(AuditedModel):
    """A change to the 任务书 (延期, 变更负责人, 预算调整) asked for by the holder and decided by an officer."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=10, choices=ChangeKind.choices)
    # extension: {"ends_on"}; leader: {"leader"}; budget: {"lines": {category: {"own_funds", "requested"}}}
    proposal = models.JSONField(_("proposed change"), default=dict)
    before = models.JSONField(_("before"), default=dict, blank=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=ChangeState.choices, default=ChangeState.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_on = models.DateField(_("requested on"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decision_comment = models.CharField(_("decision"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    row_scope = OF_PROJECT

    class Meta:
        ordering = ["project", "requested_on", "id"]
        verbose_name = _("project change")
        verbose_name_plural = _("project changes")

    def __str__(self):
        return f"{self.project.number} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("projects:project", args=[self.project.number])


class Outcome(AuditedModel):
    """A registry record the project produced: a patent, a contract, a standard or a certificate, found by
    its holder's USCC and its number."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=12, choices=OutcomeKind.choices)
    uscc = models.CharField(_("holder's code"), max_length=18)
    number = models.CharField(_("number"), max_length=60)
    ip = models.ForeignKey("registry.IntellectualProperty", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    contract = models.ForeignKey("techmarket.TechContract", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    standard = models.ForeignKey("registry.Standard", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    certificate = models.ForeignKey("registry.Certificate", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()
    row_scope = OF_PROJECT

    class Meta:
        ordering = ["project", "kind", "number"]
        verbose_name = _("project outcome")
        verbose_name_plural = _("project outcomes")
        constraints = [models.UniqueConstraint(fields=["project", "kind", "number"], name="projects_outcome_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def record(self):
        return self.ip or self.contract or self.standard or self.certificate


class CollectionRound(AuditedModel):
    """定期收集: a round asking a population for its R&D achievements and/or technology demands."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("collects"), max_length=12, choices=CollectionKind.choices)
    population = models.CharField(_("target population"), max_length=12, choices=TargetPopulation.choices)
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("closing date"))
    remind_days = models.PositiveSmallIntegerField(_("remind this many days before the deadline"), default=7)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope({Role.ENTERPRISE: "targets__enterprise__members", Role.INSTITUTION: "targets__institution__users"})

    class Meta:
        ordering = ["-opens_on", "code"]
        verbose_name = _("collection round")
        verbose_name_plural = _("collection rounds")
        constraints = [models.CheckConstraint(condition=Q(deadline__gte=models.F("opens_on")), name="projects_round_dates_in_order")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:round", args=[self.code])

    @property
    def wants_achievements(self) -> bool:
        return self.kind in (CollectionKind.ACHIEVEMENTS, CollectionKind.BOTH)

    @property
    def wants_demands(self) -> bool:
        return self.kind in (CollectionKind.DEMANDS, CollectionKind.BOTH)


class CollectionTarget(AuditedModel):
    """One firm or institution asked by a round, and how it answered."""

    round = models.ForeignKey(CollectionRound, on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    institution = models.ForeignKey("techmarket.Institution", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.SILENT)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    last_reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope({Role.ENTERPRISE: "enterprise__members", Role.INSTITUTION: "institution__users"})

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("collection target")
        verbose_name_plural = _("collection targets")
        constraints = [
            models.UniqueConstraint(fields=["round", "enterprise"], name="projects_target_enterprise_once"),
            models.UniqueConstraint(fields=["round", "institution"], name="projects_target_institution_once"),
            models.CheckConstraint(condition=Q(enterprise__isnull=False) | Q(institution__isnull=False), name="projects_target_is_someone"),
        ]
        indexes = [models.Index(fields=["round", "answer"])]

    def __str__(self):
        return f"{self.round.code}: {self.name}"

    @property
    def name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.institution.name

    def get_absolute_url(self):
        return reverse("projects:round-answer", args=[self.pk])


class CollectionSubmission(AuditedModel):
    """A techmarket record collected by a round (the link lives here, so techmarket knows nothing of rounds)."""

    target = models.ForeignKey(CollectionTarget, on_delete=models.CASCADE, related_name="submissions")
    achievement = models.ForeignKey("techmarket.Achievement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    demand = models.ForeignKey("techmarket.Demand", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_on = models.DateField(_("submitted on"))

    class Meta:
        ordering = ["target", "id"]
        verbose_name = _("collected record")
        verbose_name_plural = _("collected records")

    def __str__(self):
        return str(self.achievement or self.demand or self.pk)

