"""The technology market: technology contracts (技术合同认定登记), achievements, demands, matches and
open challenges (揭榜挂帅)."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.audit import AuditedModel
from kechuang.core.permissions import sees_everything
from kechuang.registry.choices import GONE_STATUSES
from kechuang.techmarket.choices import (
    SUBTYPES_OF,
    BuyerLocation,
    ContractChangeKind,
    ContractStatus,
    ContractSubtype,
    ContractType,
)

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
ZERO = Decimal("0")

# Provinces whose cities are the province itself (直辖市): 北京, 天津, 上海, 重庆.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})

# 技术合同认定登记管理办法 (国科发政字〔2000〕063号): the seller applies within 30 days of signing.
APPLICATION_DAYS = 30


def city_prefix(region_code: str) -> str:
    """The region-code prefix that names the city containing `region_code`: the 2-digit province for a
    直辖市 (天津 12…), otherwise the 4-digit prefecture code."""
    return region_code[:2] if region_code[:2] in MUNICIPALITIES else region_code[:4]


class TechContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every contract; an enterprise user sees the contracts its enterprise sold."""
        if sees_everything(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(seller__members=user).distinct()

    def registered(self):
        return self.filter(status=ContractStatus.REGISTERED)

    def registered_between(self, start, end):
        """Registered contracts whose 登记日期 lies in [start, end] (both inclusive): turnover is counted
        in the period a contract was registered, as the registration statistics report it."""
        return self.registered().filter(registered_on__gte=start, registered_on__lte=end)

    def sold_from_district(self, district_code: str | None = None):
        """Contracts whose seller is an enterprise of the district (Enterprise.objects.in_district())."""
        # Spelled as Enterprise.objects.in_district() does, through the region's code: that method's
        # `region_id__startswith` is refused by Django 5.2 (reported to the lead); switch back once fixed.
        code = district_code or settings.KECHUANG_DISTRICT_CODE
        return self.filter(seller__region__code__startswith=code).exclude(seller__status__in=GONE_STATUSES)

    def turnover(self) -> Decimal:
        """技术合同成交额: the sum of 合同成交额 (万元) over the queryset."""
        return self.aggregate(total=Coalesce(Sum("amount"), Value(ZERO), output_field=models.DecimalField()))["total"]

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


class TechContract(AuditedModel):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TechContractQuerySet.as_manager()
    audit_exclude = ("created_at", "updated_at")

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


class ContractChange(models.Model):
    """One step in a contract's life (application, registration, refusal, correction, cancellation),
    with the values before and after, so a registered figure can always be traced to what changed it."""

    contract = models.ForeignKey(TechContract, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=14, choices=ContractChangeKind.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
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
