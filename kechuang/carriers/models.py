"""Innovation carriers (众创空间、孵化器、加速器 …), their tenants and graduates, the yearly 火炬统计 report,
the yearly evaluation score, and innovation events (competitions, Demo Day) with their judging."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.carriers.choices import (CarrierKind, CarrierLevel, Cluster, Destination, EventKind, EventState,
                                       ReportState, RoundState, TenantStatus)
from kechuang.core.access import ANY_ROLE, Scope, ScopedQuerySet
from kechuang.core.audit import AuditedModel
from kechuang.core.choices import Role
from kechuang.registry.choices import CompetitionAward, Level

AREA = {"max_digits": 12, "decimal_places": 2}
MONEY = {"max_digits": 16, "decimal_places": 2}


class CarrierQuerySet(ScopedQuerySet):
    def in_region(self, region_code: str):
        return self.filter(region__code__startswith=region_code)

    def national_incubators(self):
        return self.filter(kind=CarrierKind.INCUBATOR, level=CarrierLevel.NATIONAL)


class Carrier(AuditedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=CarrierKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=CarrierLevel.choices)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    recognition_document = models.CharField(_("recognition document"), max_length=120, blank=True)
    operator = models.ForeignKey("registry.Enterprise", verbose_name=_("operator"), on_delete=models.PROTECT,
                                 related_name="operated_carriers")
    cluster = models.CharField(_("cluster"), max_length=10, choices=Cluster.choices)
    field = models.CharField(_("specialised field"), max_length=100, blank=True)
    # 239号 evaluates 综合 and 专业 incubators with different indicators and weights.
    specialised = models.BooleanField(_("specialised (专业) carrier"), default=False)
    floor_area = models.DecimalField(_("floor area (m²)"), **AREA)
    address = models.CharField(_("carrier address"), max_length=300, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("operator users"), blank=True,
                                     related_name="carriers")

    objects = CarrierQuerySet.as_manager()
    row_scope = Scope({Role.CARRIER: "members"})

    class Meta:
        ordering = ["code"]
        verbose_name = _("innovation carrier")
        verbose_name_plural = _("innovation carriers")
        constraints = [models.CheckConstraint(condition=Q(floor_area__gte=0), name="carrier_area_not_negative")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("carriers:carrier", args=[self.code])


class TenantQuerySet(ScopedQuerySet):
    def at_carriers_in(self, region_code: str):
        return self.filter(carrier__region__code__startswith=region_code)

    def in_incubation_on(self, date):
        """Stays running on `date`: entered by then and not yet left (an exit date is the first day out)."""
        return self.filter(entered__lte=date).filter(Q(exited__isnull=True) | Q(exited__gt=date))

    def graduated_between(self, start, end):
        return self.filter(status=TenantStatus.GRADUATED, graduated_on__gte=start, graduated_on__lte=end)


class Tenant(AuditedModel):
    """One stay of an enterprise at a carrier (入驻 → 毕业 / 迁出 / 注销)."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="tenants")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="tenancies")
    entered = models.DateField(_("entry date"))
    exited = models.DateField(_("exit date"), null=True, blank=True)
    space = models.DecimalField(_("space used (m²)"), null=True, blank=True, **AREA)
    status = models.CharField(_("status"), max_length=12, choices=TenantStatus.choices, default=TenantStatus.INCUBATING)
    # A fact of 300号 graduation item 4 that the registry does not hold: acquired, or listed on a market.
    acquired_or_listed = models.BooleanField(_("acquired or listed"), default=False)
    graduated_on = models.DateField(_("graduation date"), null=True, blank=True)
    graduation_ruleset = models.CharField(_("graduation rule set"), max_length=40, blank=True)
    graduation_facts = models.JSONField(_("facts that met the criteria"), default=dict, blank=True)
    override_reason = models.CharField(_("officer's reason"), max_length=300, blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    destination = models.CharField(_("destination"), max_length=10, choices=Destination.choices, blank=True)
    destination_carrier = models.ForeignKey(Carrier, null=True, blank=True, on_delete=models.SET_NULL,
                                            related_name="arrivals", verbose_name=_("next carrier"))

    objects = TenantQuerySet.as_manager()
    row_scope = Scope({Role.CARRIER: "carrier__members", Role.ENTERPRISE: "enterprise__members"})

    class Meta:
        ordering = ["carrier", "-entered"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        indexes = [models.Index(fields=["carrier", "status"]), models.Index(fields=["status", "graduated_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(exited__isnull=True) | Q(exited__gte=F("entered")),
                                   name="tenant_exit_after_entry"),
            models.CheckConstraint(condition=Q(space__isnull=True) | Q(space__gte=0), name="tenant_space_not_negative"),
        ]

    def __str__(self):
        return f"{self.carrier} · {self.enterprise}"

    def get_absolute_url(self):
        return reverse("carriers:tenant", args=[self.pk])


class CarrierReport(AuditedModel):
    """A carrier's yearly 火炬统计 return: typed figures the registry cannot know, and, frozen at
    submission, the figures computed from the registry."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    due = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    staff = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    professional_staff = models.PositiveIntegerField(_("professional incubation staff"), null=True, blank=True)
    mentors = models.PositiveIntegerField(_("start-up mentors"), null=True, blank=True)
    incubation_fund = models.DecimalField(_("incubation fund (10k yuan)"), null=True, blank=True, **MONEY)
    service_income = models.DecimalField(_("incubation service income (10k yuan)"), null=True, blank=True, **MONEY)
    rent_income = models.DecimalField(_("rent and property income (10k yuan)"), null=True, blank=True, **MONEY)
    investment_cases = models.PositiveIntegerField(_("fund investment cases"), null=True, blank=True)
    services_delivered = models.PositiveIntegerField(_("services delivered"), null=True, blank=True)
    events_held = models.PositiveIntegerField(_("events held"), null=True, blank=True)
    computed = models.JSONField(_("figures from the registry"), default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    comment = models.CharField(_("review comment"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope({Role.CARRIER: "carrier__members"})

    class Meta:
        ordering = ["-year", "carrier"]
        constraints = [models.UniqueConstraint(fields=["carrier", "year"], name="carrier_report_one_per_year")]
        verbose_name = _("yearly carrier report")
        verbose_name_plural = _("yearly carrier reports")

    def __str__(self):
        return f"{self.carrier} {self.year}"

    def get_absolute_url(self):
        return reverse("carriers:report", args=[self.pk])


class CarrierScore(AuditedModel):
    """A carrier's evaluation for one year under one indicator system, with every indicator's explanation."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="scores")
    year = models.PositiveSmallIntegerField(_("year"))
    system = models.CharField(_("indicator system"), max_length=40)
    variant = models.CharField(_("variant"), max_length=20)
    total = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"), default=0)
    items = models.JSONField(_("indicators"), default=list)

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope({Role.CARRIER: "carrier__members"})

    class Meta:
        ordering = ["-year", "rank"]
        constraints = [models.UniqueConstraint(fields=["carrier", "year"], name="carrier_score_one_per_year")]
        verbose_name = _("carrier evaluation")
        verbose_name_plural = _("carrier evaluations")

    def __str__(self):
        return f"{self.carrier} {self.year}: {self.total}"


class EventQuerySet(ScopedQuerySet):
    def held_between(self, start, end):
        """Events that started in [start, end] (organised by the bureau or by any carrier)."""
        return self.filter(starts__gte=start, starts__lte=end)


# Events are public once published; while they run, the bureau, the organising carrier and judges see them.
class Event(AuditedModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    # No carrier: the bureau organises it.
    organiser = models.ForeignKey(Carrier, null=True, blank=True, on_delete=models.PROTECT, related_name="events",
                                  verbose_name=_("organising carrier"))
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    tracks = models.JSONField(_("tracks"), default=list)
    # The level its awards count at in the registry's competition prizes (the tier rule sets read it);
    # empty for an event whose awards the tier rules do not count.
    prize_level = models.CharField(_("prize level"), max_length=12, choices=Level.choices, blank=True)
    state = models.CharField(_("state"), max_length=14, choices=EventState.choices, default=EventState.REGISTRATION)
    published_on = models.DateField(_("results published on"), null=True, blank=True)

    objects = EventQuerySet.as_manager()
    row_scope = Scope({ANY_ROLE: Q(state=EventState.PUBLISHED), Role.CARRIER: "organiser__members",
                       Role.EXPERT: "rounds__judges__user", Role.ENTERPRISE: "entries__enterprise__members"})

    class Meta:
        ordering = ["-starts", "code"]
        verbose_name = _("innovation event")
        verbose_name_plural = _("innovation events")
        constraints = [models.CheckConstraint(condition=Q(ends__gte=F("starts")), name="event_ends_after_start")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("carriers:event", args=[self.code])


class Round(AuditedModel):
    """初赛 → 复赛 → 决赛: each round scores the entries that reached it with its own criteria."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    name = models.CharField(_("name"), max_length=20)
    mode = models.CharField(_("mode"), max_length=20, blank=True)
    criteria = models.JSONField(_("criteria and weights"), default=list)
    advance = models.PositiveIntegerField(_("entries advancing"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN)

    class Meta:
        ordering = ["event", "number"]
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="round_number_unique")]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self):
        return f"{self.event} {self.name}"


class Entry(AuditedModel):
    """A registration: an enterprise of the registry, or a team not yet registered (linked when it is)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="entries")
    track = models.CharField(_("track"), max_length=60, blank=True)
    title = models.CharField(_("project"), max_length=200)
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="event_entries")
    team_name = models.CharField(_("team"), max_length=200, blank=True)
    team_leader = models.CharField(_("team leader"), max_length=50, blank=True)
    reached = models.PositiveSmallIntegerField(_("round reached"), default=1)
    final_score = models.DecimalField(_("final score"), max_digits=6, decimal_places=2, null=True, blank=True)
    final_rank = models.PositiveIntegerField(_("final rank"), null=True, blank=True)
    award = models.CharField(_("award"), max_length=12, choices=CompetitionAward.choices, blank=True)

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope({ANY_ROLE: Q(event__state=EventState.PUBLISHED), Role.CARRIER: "event__organiser__members",
                       Role.EXPERT: "event__rounds__judges__user", Role.ENTERPRISE: "enterprise__members"})

    class Meta:
        ordering = ["event", "final_rank", "pk"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [models.CheckConstraint(condition=Q(enterprise__isnull=False) | ~Q(team_name=""),
                                              name="entry_enterprise_or_team")]

    def __str__(self):
        return self.title

    @property
    def entrant(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.team_name


class Judge(AuditedModel):
    """A panel member of one round, with the organisations they work for or declared a conflict with."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="judging")
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    declared = models.JSONField(_("declared conflicts"), default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="judge_once_per_round")]
        verbose_name = _("judge")
        verbose_name_plural = _("judges")

    def __str__(self):
        return f"{self.round}: {self.user}"


class Score(AuditedModel):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scores")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores")
    scores = models.JSONField(_("criterion scores"))
    total = models.DecimalField(_("weighted total"), max_digits=6, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "entry", "judge"], name="score_once_per_judge")]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self):
        return f"{self.entry} ← {self.judge.user}: {self.total}"


class Investor(AuditedModel):
    """An investor attending a Demo Day."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="investors")
    name = models.CharField(_("name"), max_length=50)
    institution = models.CharField(_("institution"), max_length=200)

    class Meta:
        ordering = ["event", "institution", "name"]
        verbose_name = _("investor")
        verbose_name_plural = _("investors")

    def __str__(self):
        return f"{self.institution} {self.name}"


class FollowUp(AuditedModel):
    """A contact between an attending investor and an entry after a Demo Day."""

    investor = models.ForeignKey(Investor, on_delete=models.CASCADE, related_name="follow_ups")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("investor follow-up")
        verbose_name_plural = _("investor follow-ups")

    def __str__(self):
        return f"{self.investor} → {self.entry}"
