"""Innovation vouchers (科技创新券, 高企服务券): schemes loaded from YAML, the service providers and their
catalogue of services and instruments, and the claims that spend a scheme's budget through the ledger."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.access import ANY_ROLE, EVERYONE, Scope, ScopedQuerySet
from kechuang.core.audit import AuditedModel
from kechuang.core.choices import Role
from kechuang.core.ledger import LedgerAccount
from kechuang.vouchers.choices import ClaimState, PriceUnit, ProviderKind, ProviderStatus, SchemeKind

MONEY = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0")


class Scheme(AuditedModel):
    """One voucher scheme as its YAML file declares it; `account` holds its budget."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=SchemeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"), default=1)
    budget = models.DecimalField(_("budget (10k yuan)"), validators=[MinValueValidator(ZERO)], **MONEY)
    subsidy_ratio = models.DecimalField(
        _("subsidy ratio"), max_digits=5, decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
    )
    cap_per_claim = models.DecimalField(_("cap per claim (10k yuan)"), **MONEY)
    cap_per_enterprise = models.DecimalField(_("cap per enterprise (10k yuan)"), **MONEY)
    categories = models.JSONField(_("service categories"), default=list)
    eligible_in_district = models.BooleanField(_("in the district only"), default=True)
    eligible_certificates = models.JSONField(_("certificates required (any of)"), default=list, blank=True)
    eligible_pipeline = models.JSONField(_("cultivation pipelines (any of)"), default=list, blank=True)
    requires_intention = models.BooleanField(_("agreed service intention required"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    claim_valid_days = models.PositiveIntegerField(_("days an approval stays valid"))
    source = models.CharField(_("source document"), max_length=200, blank=True)
    verified = models.BooleanField(_("parameters verified against the text"), default=False)
    file_digest = models.CharField(max_length=64, blank=True)
    account = models.OneToOneField(LedgerAccount, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("voucher scheme")
        verbose_name_plural = _("voucher schemes")
        constraints = [
            models.CheckConstraint(condition=Q(subsidy_ratio__gt=0, subsidy_ratio__lte=1), name="scheme_ratio_0_1"),
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="scheme_valid_order"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vouchers:scheme", args=[self.code])

    def enterprise_account_code(self, enterprise) -> str:
        return f"vouchers.scheme:{self.code}/enterprise:{enterprise.uscc}"


VERIFIED = Q(status=ProviderStatus.VERIFIED)


class ProviderQuerySet(ScopedQuerySet):
    def verified(self):
        return self.filter(VERIFIED)


class Provider(AuditedModel):
    """A service provider (服务机构) that collects and redeems vouchers."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    categories = models.JSONField(_("service categories"), default=list)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProviderStatus.choices, default=ProviderStatus.APPLIED)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("users"), blank=True, related_name="providers")

    objects = ProviderQuerySet.as_manager()
    # Officers and leaders see every provider; everyone else the verified ones, and a provider user its own.
    row_scope = Scope({EVERYONE: VERIFIED, ANY_ROLE: "users"})

    class Meta:
        ordering = ["name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vouchers:provider", args=[self.pk])

    def offers(self, category: str) -> bool:
        return category in self.categories


class ServiceQuerySet(models.QuerySet):
    def listed(self):
        """What the public catalogue shows: active services of verified providers."""
        return self.filter(active=True, provider__status=ProviderStatus.VERIFIED)

    def search(self, words: str):
        query = Q()
        for word in words.split():
            query &= Q(name__icontains=word) | Q(description__icontains=word) | Q(provider__name__icontains=word) | Q(
                instrument_model__icontains=word
            )
        return self.filter(query)


class Service(AuditedModel):
    """A service in a provider's catalogue; a large instrument (大型仪器) is a 检验检测 service with its
    model, owner and location, booked by the hour or the sample."""

    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="services")
    category = models.CharField(_("category"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("price (10k yuan)"), validators=[MinValueValidator(ZERO)], **MONEY)
    unit = models.CharField(_("price unit"), max_length=10, choices=PriceUnit.choices, default=PriceUnit.ITEM)
    is_instrument = models.BooleanField(_("large instrument"), default=False)
    instrument_model = models.CharField(_("instrument model"), max_length=100, blank=True)
    instrument_owner = models.CharField(_("owned by"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    active = models.BooleanField(_("listed"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["provider", "category", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vouchers:service", args=[self.pk])


class Booking(AuditedModel):
    """A slot on an instrument's calendar."""

    service = models.ForeignKey(Service, verbose_name=_("instrument"), on_delete=models.CASCADE, related_name="bookings")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["service", "starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start")]

    def __str__(self):
        return f"{self.service} {self.starts_at:%Y-%m-%d %H:%M}"


class ClaimQuerySet(ScopedQuerySet):
    def paid_between(self, start, end):
        """Claims marked paid on a district date from `start` to `end`, both included."""
        return self.filter(state=ClaimState.PAID, paid_at__date__gte=start, paid_at__date__lte=end)

    def subsidy_paid(self) -> Decimal:
        return self.aggregate(total=Sum("paid_subsidy"))["total"] or ZERO


class Claim(AuditedModel):
    """A firm's claim on a scheme for one service; its subsidy is reserved on approval and paid after
    the service is delivered and redeemed."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="claims")
    # 申领编号: the scheme's code and the claim's place in it (no row id, so the same district built twice
    # holds the same ledger)
    number = models.CharField(_("claim number"), max_length=100, blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="voucher_claims"
    )
    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="claims")
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    category = models.CharField(_("category"), max_length=30)
    fee = models.DecimalField(_("agreed fee (10k yuan)"), **MONEY)
    subsidy = models.DecimalField(_("subsidy (10k yuan)"), **MONEY)
    intention = models.CharField(_("agreed service intention"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ClaimState.choices, default=ClaimState.SUBMITTED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    on_behalf = models.BooleanField(_("filed at the service window (窗口代办)"), default=False)
    filed_on = models.DateField(_("filed on"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    expires_on = models.DateField(_("approval valid until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    invoice_no = models.CharField(_("invoice number"), max_length=40, blank=True)
    fee_paid = models.DecimalField(_("fee paid (10k yuan)"), null=True, blank=True, **MONEY)
    paid_subsidy = models.DecimalField(_("subsidy due (10k yuan)"), null=True, blank=True, **MONEY)
    redeemed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()
    # Staff see every claim; an enterprise user its enterprise's; a provider user those it serves (the
    # roles `permissions.acts_for_enterprise` / `acts_for_provider` act as).
    row_scope = Scope({Role.ENTERPRISE: "enterprise__members", Role.PROVIDER: "provider__users"})

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("voucher claim")
        verbose_name_plural = _("voucher claims")
        constraints = [
            models.CheckConstraint(condition=Q(fee__gt=0), name="claim_fee_positive"),
            models.CheckConstraint(condition=Q(subsidy__gte=0) & Q(subsidy__lte=models.F("fee")), name="claim_subsidy_within_fee"),
            models.CheckConstraint(
                condition=Q(paid_subsidy__isnull=True) | Q(paid_subsidy__lte=models.F("subsidy")),
                name="claim_paid_within_subsidy",
            ),
            models.UniqueConstraint(
                fields=["provider", "invoice_no"], condition=~Q(invoice_no=""), name="claim_invoice_once_per_provider"
            ),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="claim_number_once"),
        ]
        indexes = [models.Index(fields=["scheme", "state"]), models.Index(fields=["state", "expires_on"])]

    def __str__(self):
        return f"{self.scheme.name} · {self.enterprise.name} · {self.category}"

    def get_absolute_url(self):
        return reverse("vouchers:claim", args=[self.pk])

    @property
    def ledger_reference(self) -> str:
        return f"vouchers.claim:{self.number}"

    @property
    def redeemed_by_enterprise(self) -> bool:
        """补助券 are redeemed by the firm itself; 流通券 and 高企券 by the provider that collected them."""
        return self.scheme.kind == SchemeKind.SUBSIDY


class Rating(AuditedModel):
    """The served firm's rating of a delivered service (服务评价)."""

    claim = models.OneToOneField(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_5")]

    def __str__(self):
        return f"{self.claim_id}: {self.score}"
