"""The technology market: technology contracts (技术合同认定登记), achievements, demands, matches and
open challenges (揭榜挂帅)."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.access import ANY_ROLE, Scope, ScopedQuerySet
from kechuang.core.audit import AuditedModel, diff
from kechuang.core.ledger import LedgerAccount
from kechuang.core.choices import Role
from kechuang.core.permissions import anyone, is_signed_in
from kechuang.techmarket.choices import (
    SUBTYPES_OF,
    AchievementStatus,
    BuyerLocation,
    ChallengeStatus,
    ContractChangeKind,
    ContractStatus,
    ContractSubtype,
    ContractType,
    DemandStatus,
    InstitutionKind,
    MatchStage,
    MilestoneStatus,
    SolutionMode,
    TransferMode,
)

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
ZERO = Decimal("0")
CENT = Decimal("0.01")

# Provinces whose cities are the province itself (直辖市): 北京, 天津, 上海, 重庆.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})

# 技术合同认定登记管理办法 (国科发政字〔2000〕063号): the seller applies within 30 days of signing.
APPLICATION_DAYS = 30


def city_prefix(region_code: str) -> str:
    """The region-code prefix that names the city containing `region_code`: the 2-digit province for a
    直辖市 (天津 12…), otherwise the 4-digit prefecture code."""
    return region_code[:2] if region_code[:2] in MUNICIPALITIES else region_code[:4]


class StampedModel(AuditedModel):
    """When a record was created and last changed; `updated_at` also tells the matching index what to
    re-read (kechuang.techmarket.matcher)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("created_at", "updated_at")

    class Meta:
        abstract = True


class PostedModel(StampedModel):
    """A record someone posted to the market (an achievement or a demand), classified the way the
    matcher compares them."""

    high_tech_domain = models.ForeignKey(
        "core.HighTechDomain", verbose_name=_("high-tech domain"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    industry = models.ForeignKey(
        "core.Industry", verbose_name=_("industry"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, help_text=_("Separate with ；"))
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The matching index, written in the same transaction as the record (kechuang.techmarket.matcher):
    # the segmenter's tokens, which a full-text index reads (a generated tsvector column with a GIN index
    # on PostgreSQL, an FTS5 table on SQLite, both made by migration 0004), the sentence vector (512
    # float32), its 8-bit code (516 bytes, `semantic.to_code`) that the semantic search scores first, and
    # the coarse cell of that vector that narrows the semantic search. On PostgreSQL the cell's index
    # carries the codes and the id, so a query reads a cell's codes from the index alone (an index-only
    # scan, in cell order); without the id every code cost a heap page, 130 ms a query at 1,000,000 rows.
    match_terms = models.TextField(editable=False, default="")
    match_vector = models.BinaryField(editable=False, null=True)
    match_code = models.BinaryField(editable=False, null=True)
    match_cell = models.IntegerField(editable=False, default=-1)

    audit_exclude = StampedModel.audit_exclude + ("match_terms", "match_vector", "match_code", "match_cell")

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["match_cell"], include=["match_code", "id"], name="%(class)s_match_cell")]


class TechContractQuerySet(ScopedQuerySet):
    def registered(self):
        return self.filter(status=ContractStatus.REGISTERED)

    def registered_between(self, start, end):
        """Registered contracts whose 登记日期 lies in [start, end] (both inclusive): turnover is counted
        in the period a contract was registered, as the registration statistics report it."""
        return self.registered().filter(registered_on__gte=start, registered_on__lte=end)

    def sold_from_district(self):
        """Contracts whose seller is an enterprise of the district (Enterprise.objects.in_district()),
        tested on each contract's own seller: a period's contracts are a few of the district's enterprises."""
        from kechuang.registry.models import in_district_q

        return self.filter(in_district_q("seller__"))

    def turnover(self) -> Decimal:
        """技术合同成交额: the sum of 合同成交额 (万元) over the queryset."""
        total = self.aggregate(total=Coalesce(Sum("amount"), Value(ZERO), output_field=models.DecimalField()))["total"]
        return Decimal(total).quantize(CENT)

    def buyer_location(self, district_code: str | None = None):
        """Annotate `location` with where the buyer sits, seen from the district:

        - abroad: buyer_abroad is set (境外买方, no region);
        - district: the buyer's region code starts with the district code (KECHUANG_DISTRICT_CODE);
        - city: it starts with the district's city prefix — the 2-digit province for a 直辖市 (天津 → 12),
          otherwise the 4-digit prefecture code;
        - china: any other region in China.
        """
        code = district_code or settings.KECHUANG_DISTRICT_CODE
        return self.annotate(
            location=Case(
                When(buyer_abroad=True, then=Value(BuyerLocation.ABROAD)),
                When(buyer_region__code__startswith=code, then=Value(BuyerLocation.DISTRICT)),
                When(buyer_region__code__startswith=city_prefix(code), then=Value(BuyerLocation.CITY)),
                default=Value(BuyerLocation.CHINA),
                output_field=models.CharField(),
            )
        )

    def turnover_by(self, **keys) -> list[dict]:
        """Rows of {each key: value, "total": turnover (万元), "count": contracts}, grouped by the given
        expressions and ordered by them, e.g. turnover_by(year=ExtractYear("registered_on"))."""
        rows = (
            self.annotate(**{f"by_{name}": expr for name, expr in keys.items()})
            .values(*(f"by_{name}" for name in keys))
            .annotate(total=Sum("amount"), count=Count("id"))
            .order_by(*(f"by_{name}" for name in keys))
            .values(*(f"by_{name}" for name in keys), "total", "count")
        )
        # SQLite sums decimals as floats-in-text; round back to the column's cents.
        return [{**row, "total": Decimal(row["total"]).quantize(CENT)} for row in rows]

    def turnover_by_year(self) -> dict:
        """{registration year: turnover}."""
        return {row["by_year"]: row["total"] for row in self.turnover_by(year=ExtractYear("registered_on"))}

    def turnover_by_type(self) -> dict:
        return {row["by_type"]: row["total"] for row in self.turnover_by(type=F("contract_type"))}

    def turnover_by_domain(self) -> dict:
        """{2-digit high-tech domain code of the seller (None when not recorded): turnover}."""
        return {row["by_domain"]: row["total"] for row in self.turnover_by(domain=Substr("seller__high_tech_domain__code", 1, 2))}

    def turnover_by_location(self, district_code: str | None = None) -> dict:
        """{BuyerLocation: turnover}, every location present (zero when none)."""
        found = {row["by_location"]: row["total"] for row in self.buyer_location(district_code).turnover_by(location=F("location"))}
        return {location: found.get(location, ZERO) for location in BuyerLocation.values}

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(registration_number__icontains=text)
            | Q(buyer_name__icontains=text)
            | Q(seller__name__icontains=text)
        )


class TechContract(StampedModel):
    registration_number = models.CharField(_("registration number"), max_length=30, blank=True, db_index=True)
    name = models.CharField(_("contract name"), max_length=300)
    contract_type = models.CharField(_("contract type"), max_length=12, choices=ContractType.choices)
    subtype = models.CharField(_("sub-type"), max_length=12, choices=ContractSubtype.choices, blank=True)
    seller = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("seller"), on_delete=models.PROTECT, related_name="tech_contracts"
    )
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_region = models.ForeignKey(
        "core.Region", verbose_name=_("buyer region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    buyer_abroad = models.BooleanField(_("buyer abroad"), default=False)
    amount = models.DecimalField(_("contract amount (10k yuan)"), **MONEY)
    tech_amount = models.DecimalField(_("technology transaction amount (10k yuan)"), **MONEY)
    signed_on = models.DateField(_("signed on"))
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.APPLIED)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    late_reason = models.TextField(_("reason for late application"), blank=True)

    objects = TechContractQuerySet.as_manager()
    # Staff see every contract; an enterprise user sees the contracts its enterprise sold.
    row_scope = Scope({ANY_ROLE: "seller__members"})

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"], condition=~Q(registration_number=""), name="contract_unique_number"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(tech_amount__gte=0), name="contract_amounts_positive"),
            models.CheckConstraint(condition=Q(tech_amount__lte=F("amount")), name="contract_tech_within_amount"),
            models.CheckConstraint(
                condition=Q(buyer_abroad=True, buyer_region__isnull=True) | Q(buyer_abroad=False, buyer_region__isnull=False),
                name="contract_buyer_in_region_or_abroad",
            ),
            models.CheckConstraint(
                condition=~Q(status=ContractStatus.REGISTERED) | (Q(registered_on__isnull=False) & ~Q(registration_number="")),
                name="contract_registered_has_number",
            ),
        ]
        indexes = [models.Index(fields=["status", "registered_on"])]

    def __str__(self):
        return self.registration_number or self.name

    def get_absolute_url(self):
        return reverse("techmarket:contract", args=[self.pk])

    @property
    def type_label(self) -> str:
        """技术开发(委托) style: the type with its sub-type, as the registration forms write it."""
        label = self.get_contract_type_display()
        return f"{label}({self.get_subtype_display()})" if self.subtype else label

    @property
    def days_to_apply(self) -> int | None:
        return (self.applied_on - self.signed_on).days if self.applied_on else None

    @property
    def applied_late(self) -> bool:
        days = self.days_to_apply
        return days is not None and days > APPLICATION_DAYS

    def clean(self):
        errors = {}
        allowed = SUBTYPES_OF.get(self.contract_type, ())
        if self.subtype and self.subtype not in allowed:
            errors["subtype"] = _("This contract type takes no such sub-type.")
        if self.amount is not None and self.tech_amount is not None and self.tech_amount > self.amount:
            errors["tech_amount"] = _("The technology transaction amount may not exceed the contract amount.")
        if self.applied_on and self.applied_on < self.signed_on:
            errors["applied_on"] = _("The application cannot precede the signing date.")
        if self.applied_late and not self.late_reason.strip():
            errors["late_reason"] = _(
                "The application comes more than %(days)d days after signing; give the reason for the delay."
            ) % {"days": APPLICATION_DAYS}
        if self.buyer_abroad == (self.buyer_region_id is not None):
            errors["buyer_region"] = _("Give the buyer's region, or mark the buyer as abroad (and only one of them).")
        if errors:
            raise ValidationError(errors)


class ContractChange(AuditedModel):
    """One step in a contract's life (application, registration, refusal, correction, cancellation),
    with the values before and after, so a registered figure can always be traced to what changed it.

    A separate domain log, not a view over the audit chain: its readers are the contract's parties and
    officers (who may not read the audit trail, the auditor's alone under 三员分立), each step carries a
    registration reason, and it outlives the chain's archiving. The contract's changes are chained too."""

    contract = models.ForeignKey(TechContract, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=14, choices=ContractChangeKind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        ordering = ["contract", "at", "id"]
        verbose_name = _("contract change")
        verbose_name_plural = _("contract changes")

    def __str__(self):
        return f"{self.contract} {self.get_kind_display()}"

    @property
    def differences(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for the fields this step changed; none for a first entry."""
        if not self.before:
            return []
        labels = {f.attname: f.verbose_name for f in TechContract._meta.concrete_fields}
        return [(labels.get(name, name), old, new) for name, (old, new) in diff(self.before, self.after).items()]


def _not_blank(field: str) -> Q:
    # A text that is only whitespace is refused by the services; the database refuses the empty one.
    return ~Q(**{field: ""})


class Institution(AuditedModel):
    """An organisation that owns achievements or answers challenges: a university, an institute, a new
    R&D institution, or an enterprise (then linked to its registry record)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=InstitutionKind.choices)
    enterprise = models.OneToOneField(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="institution",
    )
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("users"), blank=True, related_name="institutions")

    objects = ScopedQuerySet.as_manager()
    # The directory of institutions is open to every signed-in user.
    row_scope = Scope(everything=is_signed_in)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self):
        return self.name


PUBLISHED = Q(status=AchievementStatus.PUBLISHED)


class AchievementQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(PUBLISHED)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(title__icontains=text) | Q(summary__icontains=text) | Q(keywords__icontains=text))


class Achievement(PostedModel):
    """科技成果库: one technology an institution offers for transfer."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    owner = models.ForeignKey(Institution, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="achievements")
    maturity = models.PositiveSmallIntegerField(
        _("technology readiness level (TRL 1–9)"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    ip = models.ManyToManyField(
        "registry.IntellectualProperty", verbose_name=_("linked IP"), blank=True, related_name="achievements"
    )
    by_transfer = models.BooleanField(TransferMode.TRANSFER.label, default=False)
    by_licence = models.BooleanField(TransferMode.LICENCE.label, default=False)
    by_equity = models.BooleanField(TransferMode.EQUITY.label, default=False)
    by_joint_development = models.BooleanField(TransferMode.JOINT.label, default=False)
    asking_price = models.DecimalField(_("asking price (10k yuan)"), null=True, blank=True, **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=AchievementStatus.choices, default=AchievementStatus.DRAFT)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    objects = AchievementQuerySet.as_manager()
    # Staff see all; every signed-in user sees what is published; an institution user also its own
    # drafts and withdrawn records.
    row_scope = Scope({ANY_ROLE: PUBLISHED, Role.INSTITUTION: "owner__users"})

    # The transfer-mode flags in display order, with their labels.
    MODE_FIELDS = (
        ("by_transfer", TransferMode.TRANSFER),
        ("by_licence", TransferMode.LICENCE),
        ("by_equity", TransferMode.EQUITY),
        ("by_joint_development", TransferMode.JOINT),
    )

    class Meta(PostedModel.Meta):
        ordering = ["-published_on", "-id"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            models.CheckConstraint(condition=_not_blank("summary"), name="achievement_summary_not_empty"),
            models.CheckConstraint(condition=Q(maturity__gte=1, maturity__lte=9), name="achievement_trl_1_9"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("techmarket:achievement", args=[self.pk])

    @property
    def transfer_modes(self) -> list[str]:
        return [mode.label for field, mode in self.MODE_FIELDS if getattr(self, field)]

    @property
    def transfer_modes_text(self) -> str:
        return "、".join(self.transfer_modes)


# Demands still looking for a solution (open, or posed as a challenge).
IN_POOL = Q(status__in=[DemandStatus.OPEN, DemandStatus.CHALLENGE])


class DemandQuerySet(ScopedQuerySet):
    def in_pool(self):
        return self.filter(IN_POOL)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(title__icontains=text) | Q(problem__icontains=text) | Q(keywords__icontains=text)
            | Q(enterprise__name__icontains=text)
        )


class Demand(PostedModel):
    """企业技术需求库: the fields of the common 技术需求征集表."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="tech_demands"
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem to solve"))
    key_points = models.TextField(_("key technical points"), blank=True)
    goals = models.TextField(_("expected goals"), blank=True)
    budget = models.DecimalField(_("budget (10k yuan)"), null=True, blank=True, **MONEY)
    months = models.PositiveSmallIntegerField(_("time frame (months)"), null=True, blank=True)
    solution_mode = models.CharField(_("solution mode"), max_length=12, choices=SolutionMode.choices)
    status = models.CharField(_("status"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN)
    posted_on = models.DateField(_("posted on"))

    objects = DemandQuerySet.as_manager()
    # Staff see all; an enterprise user sees its own enterprise's demands; an institution user sees the
    # pool it may answer; nobody else sees any.
    row_scope = Scope({Role.ENTERPRISE: "enterprise__members", Role.INSTITUTION: IN_POOL})

    class Meta(PostedModel.Meta):
        ordering = ["-posted_on", "-id"]
        verbose_name = _("technology demand")
        verbose_name_plural = _("technology demands")
        constraints = [models.CheckConstraint(condition=_not_blank("problem"), name="demand_problem_not_empty")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("techmarket:demand", args=[self.pk])

    @property
    def description(self) -> str:
        """The text the matcher reads: the problem with its key points and goals."""
        return "\n".join(part for part in (self.problem, self.key_points, self.goals) if part)


class MatchQuerySet(ScopedQuerySet):
    def funnel(self) -> dict[str, int]:
        """How many matches ever reached each stage: a contracted match passed through every stage
        before it; a closed one is counted only as recommended (it may have closed at any step)."""
        reached = dict(self.values_list("stage").annotate(n=Count("id")).order_by())
        order = [MatchStage.RECOMMENDED, MatchStage.CONTACTED, MatchStage.NEGOTIATING, MatchStage.CONTRACTED]
        funnel, running = {}, 0
        for stage in reversed(order):
            running += reached.get(stage, 0)
            funnel[stage] = running
        funnel[MatchStage.RECOMMENDED] += reached.get(MatchStage.CLOSED, 0)
        return {stage: funnel[stage] for stage in order}

    def conversion_by_year(self) -> list[dict]:
        """Per year a match was recommended: matches, contracted matches and their ratio (a fraction)."""
        rows = (
            self.annotate(year=ExtractYear("created_at"))
            .values("year")
            .annotate(total=Count("id"), contracted=Count("id", filter=Q(stage=MatchStage.CONTRACTED)))
            .order_by("year")
        )
        return [{**row, "rate": row["contracted"] / row["total"] if row["total"] else None} for row in rows]


class Match(AuditedModel):
    """A recommended pairing of a demand and an achievement, followed up by officers."""

    demand = models.ForeignKey(Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="matches")
    achievement = models.ForeignKey(
        Achievement, verbose_name=_("achievement"), on_delete=models.CASCADE, related_name="matches"
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    stage = models.CharField(_("stage"), max_length=12, choices=MatchStage.choices, default=MatchStage.RECOMMENDED)
    contract = models.ForeignKey(
        TechContract, verbose_name=_("contract"), on_delete=models.PROTECT, null=True, blank=True, related_name="matches"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recommended at"), default=timezone.now)
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now)

    objects = MatchQuerySet.as_manager()
    # Staff see all; the enterprise behind the demand and the institution behind the achievement see the
    # matches that concern them.
    row_scope = Scope({ANY_ROLE: ("demand__enterprise__members", "achievement__owner__users")})

    class Meta:
        ordering = ["-created_at", "-score"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["demand", "achievement"], name="match_once_per_pair"),
            models.CheckConstraint(
                condition=~Q(stage=MatchStage.CONTRACTED) | Q(contract__isnull=False), name="match_contracted_has_contract"
            ),
        ]

    def __str__(self):
        return f"{self.demand} ↔ {self.achievement}"

    def get_absolute_url(self):
        return reverse("techmarket:match", args=[self.pk])


class ChallengeQuerySet(ScopedQuerySet):
    def unanswered_by(self, user):
        """Challenges still taking proposals to which the user's institution or firm has sent none."""
        answered = Proposal.objects.filter(Q(institution__users=user) | Q(enterprise__members=user)).values("challenge_id")
        return self.filter(status=ChallengeStatus.OPEN).exclude(pk__in=answered)

    def overdue_unsolved(self, today):
        """Open or in-review challenges whose deadline has passed with no winner chosen."""
        return self.filter(
            status__in=[ChallengeStatus.OPEN, ChallengeStatus.REVIEWING], deadline__lt=today, winner__isnull=True
        )


class Challenge(AuditedModel):
    """揭榜挂帅: a demand posed openly with a government support amount paid in stages."""

    demand = models.ForeignKey(Demand, verbose_name=_("demand"), on_delete=models.PROTECT, related_name="challenges")
    title = models.CharField(_("title"), max_length=200)
    # The announced support; the ledger account's limit equals it (services.set_support_amount moves both).
    support_amount = models.DecimalField(_("government support (10k yuan)"), **MONEY)
    # Staged payments are entries on this account (PAY per accepted milestone); what is paid is its sum.
    account = models.OneToOneField(
        LedgerAccount, verbose_name=_("ledger account"), on_delete=models.PROTECT, related_name="challenge"
    )
    deadline = models.DateField(_("application deadline"))
    status = models.CharField(_("status"), max_length=10, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN)
    winner = models.OneToOneField(
        "Proposal", verbose_name=_("winning proposal"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result_published_on = models.DateField(_("result published on"), null=True, blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("review panel"), blank=True, related_name="challenges_to_review"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_on = models.DateField(_("launched on"))

    objects = ChallengeQuerySet.as_manager()
    # Challenges are public (揭榜挂帅 lists them openly).
    row_scope = Scope(everything=anyone)

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = _("open challenge")
        verbose_name_plural = _("open challenges")
        constraints = [
            models.CheckConstraint(condition=Q(support_amount__gte=0), name="challenge_support_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("techmarket:challenge", args=[self.pk])

    @property
    def paid_amount(self) -> Decimal:
        """What the ledger has paid out for this challenge (its account's PAY less REFUND entries)."""
        return self.account.paid

    @property
    def remaining(self) -> Decimal:
        return self.support_amount - self.paid_amount

    def ledger_entries(self):
        return self.account.entries.order_by("at", "id")


class ProposalQuerySet(ScopedQuerySet):
    def of_user(self, user):
        return self.filter(Q(institution__users=user) | Q(enterprise__members=user))


class Proposal(AuditedModel):
    """An applicant's answer to a challenge (揭榜方案), from an institution or an enterprise."""

    challenge = models.ForeignKey(Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="proposals")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="challenge_proposals",
    )
    title = models.CharField(_("title"), max_length=200)
    approach = models.TextField(_("technical approach"))
    budget = models.DecimalField(_("budget (10k yuan)"), **MONEY)
    months = models.PositiveSmallIntegerField(_("duration (months)"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_on = models.DateField(_("submitted on"))

    objects = ProposalQuerySet.as_manager()
    # Staff see all; reviewers see the proposals of challenges on their panel; an applicant sees only its
    # own proposals until the challenge's result is published, then the others too.
    row_scope = Scope({
        ANY_ROLE: (
            "institution__users", "enterprise__members", "challenge__reviewers",
            Q(challenge__result_published_on__isnull=False),
        ),
    })

    class Meta:
        ordering = ["challenge", "submitted_on", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False, enterprise__isnull=True) | Q(institution__isnull=True, enterprise__isnull=False),
                name="proposal_one_applicant",
            ),
            models.CheckConstraint(condition=_not_blank("approach"), name="proposal_approach_not_empty"),
            models.UniqueConstraint(
                fields=["challenge", "institution"], condition=Q(institution__isnull=False), name="proposal_once_per_institution"
            ),
            models.UniqueConstraint(
                fields=["challenge", "enterprise"], condition=Q(enterprise__isnull=False), name="proposal_once_per_enterprise"
            ),
        ]

    def __str__(self):
        return f"{self.applicant}: {self.title}"

    @property
    def applicant(self):
        return self.institution or self.enterprise


class Review(AuditedModel):
    """One panel member's score (0–100) for one proposal."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="review_once_per_reviewer"),
            models.CheckConstraint(condition=Q(score__lte=100), name="review_score_max_100"),
        ]

    def __str__(self):
        return f"{self.proposal} {self.score}"


class Milestone(AuditedModel):
    """A stage of the winner's work (分阶段资助): its payment is released when the officer accepts it."""

    challenge = models.ForeignKey(Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("payment (10k yuan)"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["challenge", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive")]

    def __str__(self):
        return self.title


class MatchCentroid(models.Model):
    """A centre of the coarse quantiser over sentence vectors: a record's `match_cell` is its nearest
    centre, and a query reads only the vectors of the few cells nearest to it. Written by
    `kechuang match_index rebuild` (k-means over a sample) once a side has enough records to need it."""

    kind = models.CharField(max_length=12)  # "achievement" or "demand"
    cell = models.IntegerField()
    vector = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "cell"], name="match_centroid_once")]

    def __str__(self):
        return f"{self.kind} {self.cell}"


class MatchTerm(models.Model):
    """How many records of a side hold a term (document frequency), counted from the full-text index by
    `kechuang match_index rebuild`; the row with the empty term holds the number of records. The query
    uses it to send the full-text index the terms that discriminate (rare, heavy) and to weigh them by
    idf. Records written after the count are searched all the same; only their terms' weights lag."""

    kind = models.CharField(max_length=12)
    term = models.CharField(max_length=100)
    df = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="match_term_once")]

    def __str__(self):
        return f"{self.kind} {self.term}"
