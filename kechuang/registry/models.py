"""The linked enterprise registry (多库联动): registration facts, yearly data, IP and certificates,
all keyed by the enterprise's 统一社会信用代码."""
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.access import ANY_ROLE, Scope, ScopedQuerySet
from kechuang.core.audit import AuditedModel
from kechuang.registry.choices import (
    GONE_STATUSES,
    AcquiredBy,
    CertificateKind,
    CompetitionAward,
    DataSource,
    IPStatus,
    Level,
    RegistrationStatus,
    StandardLevel,
    StandardRole,
)
from kechuang.registry.validators import validate_uscc

MONEY = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True}


def in_district_q(path: str = "", district_code: str | None = None) -> Q:
    """`Enterprise.objects.in_district()` as a condition on the enterprise a query reaches by `path`
    (`"employer__"`). Records filtered this way are tested on their own enterprise's row, where
    `employer__in=Enterprise.objects.in_district()` had SQLite walk the whole district's enterprises
    first and look each one's records up (four times the CPU for the talent map's counts at 20,000)."""
    code = district_code or settings.KECHUANG_DISTRICT_CODE
    return Q(**{f"{path}region__code__startswith": code}) & ~Q(**{f"{path}status__in": GONE_STATUSES})


class EnterpriseQuerySet(ScopedQuerySet):
    def registered_in_district(self, district_code: str | None = None):
        """Enterprises whose registered region lies under the district's code, whatever their status."""
        return self.filter(region__code__startswith=district_code or settings.KECHUANG_DISTRICT_CODE)

    def in_district(self, district_code: str | None = None):
        """Enterprises registered under the district's region code and not moved out, cancelled or revoked."""
        return self.filter(in_district_q(district_code=district_code))

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(uscc__icontains=text.upper()))


class Enterprise(AuditedModel):
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("name"), max_length=200, db_index=True)
    established = models.DateField(_("established"), null=True, blank=True)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+", db_index=True
    )
    industry = models.ForeignKey(
        "core.Industry", verbose_name=_("industry"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    high_tech_domain = models.ForeignKey(
        "core.HighTechDomain",
        verbose_name=_("high-tech domain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_capital = models.DecimalField(_("registered capital (10k yuan)"), **MONEY)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("registration status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.SUBSISTING
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # Compliance flags the tier criteria read (津科规〔2021〕3号 (二), 115号 第六条(四)).
    serious_dishonesty = models.BooleanField(_("on the serious dishonesty list"), default=False)
    abnormal_operation = models.BooleanField(_("on the abnormal operation list"), default=False)
    major_incident = models.BooleanField(_("major safety/quality/environmental incident"), default=False)
    research_misconduct = models.BooleanField(_("serious research misconduct"), default=False)
    software_certified = models.BooleanField(_("holds valid software product certificates"), default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("enterprise users"), blank=True, related_name="enterprises"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()
    # Officers and leaders see every enterprise; an enterprise user, the ones it is a member of.
    row_scope = Scope({ANY_ROLE: "members"})
    audit_exclude = ("updated_at", "created_at")

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return self.name

    @property
    def in_district(self) -> bool:
        return self.region_id.startswith(settings.KECHUANG_DISTRICT_CODE) and self.status not in GONE_STATUSES


# Records that belong to one enterprise: an enterprise user sees only its own.
OWNED_BY_ENTERPRISE = Scope({ANY_ROLE: "enterprise__members"})


class YearlyData(AuditedModel):
    """One enterprise's figures for one year. A figure not reported stays empty (never zero)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="yearly")
    year = models.PositiveSmallIntegerField(_("year"))
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    tech_staff = models.PositiveIntegerField(_("tech staff"), null=True, blank=True)
    revenue = models.DecimalField(_("operating revenue"), **MONEY)
    sales_revenue = models.DecimalField(_("sales revenue"), **MONEY)
    total_income = models.DecimalField(_("total income"), **MONEY)
    cost_total = models.DecimalField(_("total costs"), **MONEY)
    rd_expense = models.DecimalField(_("R&D expense"), **MONEY)
    rd_expense_domestic = models.DecimalField(_("domestic R&D expense"), **MONEY)
    high_tech_revenue = models.DecimalField(_("high-tech product revenue"), **MONEY)
    total_assets = models.DecimalField(_("total assets"), **MONEY)
    net_assets = models.DecimalField(_("net assets"), **MONEY)
    source = models.CharField(_("source"), max_length=12, choices=DataSource.choices, default=DataSource.ENTERPRISE_REPORT)
    source_date = models.DateField(_("source date"), default=dt.date.today)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    row_scope = OWNED_BY_ENTERPRISE
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["enterprise", "year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="yearly_one_row_per_year")]
        # One year across every enterprise (the monitoring rules, the plan's district totals).
        indexes = [models.Index(fields=["year", "enterprise"])]
        verbose_name = _("yearly data")
        verbose_name_plural = _("yearly data")

    def __str__(self):
        return f"{self.enterprise} {self.year}"

    @property
    def rd_ratio(self):
        """R&D expense over operating revenue, or None when either is missing or revenue is zero."""
        if self.rd_expense is None or not self.revenue:
            return None
        return self.rd_expense / self.revenue


class IntellectualPropertyQuerySet(ScopedQuerySet):
    def valid_on(self, date: dt.date):
        """Granted on or before `date`, legal status valid, and not expired on `date` (失效日 is the first
        day it no longer counts)."""
        return self.filter(status=IPStatus.VALID, granted__isnull=False, granted__lte=date).filter(
            Q(expires__isnull=True) | Q(expires__gt=date)
        )


class IntellectualProperty(AuditedModel):
    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.ForeignKey("core.IPKind", verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    owners = models.ManyToManyField(Enterprise, verbose_name=_("owners"), related_name="ip")
    filed = models.DateField(_("filing date"), null=True, blank=True)
    granted = models.DateField(_("grant date"), null=True, blank=True)
    expires = models.DateField(_("expiry date"), null=True, blank=True)
    status = models.CharField(_("legal status"), max_length=10, choices=IPStatus.choices, default=IPStatus.VALID)
    acquired_by = models.CharField(_("acquired by"), max_length=10, choices=AcquiredBy.choices, default=AcquiredBy.SELF)

    objects = IntellectualPropertyQuerySet.as_manager()
    row_scope = Scope({ANY_ROLE: "owners__members"})

    class Meta:
        ordering = ["-granted", "number"]
        verbose_name = _("intellectual property")
        verbose_name_plural = _("intellectual property")
        indexes = [models.Index(fields=["kind", "status", "granted"]), models.Index(fields=["status", "expires"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def ip_class(self) -> str:
        return self.kind.ip_class


class CertificateQuerySet(ScopedQuerySet):
    def valid_on(self, date: dt.date):
        """Issued on or before `date` and not past its 有效期至 (inclusive)."""
        return self.filter(issued__lte=date).filter(Q(expires__isnull=True) | Q(expires__gte=date))

    def expiring_between(self, start: dt.date, end: dt.date):
        return self.filter(expires__gte=start, expires__lte=end)


class Certificate(AuditedModel):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    number = models.CharField(_("certificate number"), max_length=60)
    issued = models.DateField(_("issue date"))
    expires = models.DateField(_("expiry date"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()
    row_scope = OWNED_BY_ENTERPRISE

    class Meta:
        ordering = ["-issued"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="certificate_unique_number")]
        # (enterprise, kind): does this enterprise hold a certificate of this kind — asked once per
        # screened enterprise by the candidate lists, 免申即享 and the expiry alerts. (expires): the
        # alerts' 90-day window read as a range, not found by walking every enterprise's certificates.
        indexes = [models.Index(fields=["kind", "issued", "expires"]), models.Index(fields=["enterprise", "kind", "expires"]),
                   models.Index(fields=["expires"])]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"


class EnterpriseRecord(AuditedModel):
    """A fact about one enterprise that a tier criterion reads."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="%(class)ss")
    name = models.CharField(_("name"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    row_scope = OWNED_BY_ENTERPRISE

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.enterprise}: {self.name}"


class Award(EnterpriseRecord):
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    rank = models.PositiveSmallIntegerField(_("rank among winning units"), null=True, blank=True)

    class Meta:
        verbose_name = _("S&T award")
        verbose_name_plural = _("S&T awards")


class RDInstitution(EnterpriseRecord):
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    recognised = models.DateField(_("recognised on"), null=True, blank=True)

    class Meta:
        verbose_name = _("R&D institution")
        verbose_name_plural = _("R&D institutions")


class Standard(EnterpriseRecord):
    level = models.CharField(_("level"), max_length=14, choices=StandardLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    role = models.CharField(_("role"), max_length=12, choices=StandardRole.choices)

    class Meta:
        verbose_name = _("standard drafted")
        verbose_name_plural = _("standards drafted")


class Investment(EnterpriseRecord):
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=16, decimal_places=2)
    investor = models.CharField(_("investor"), max_length=200)

    class Meta:
        verbose_name = _("equity investment received")
        verbose_name_plural = _("equity investments received")


class Project(EnterpriseRecord):
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("S&T project undertaken")
        verbose_name_plural = _("S&T projects undertaken")


class CompetitionPrize(EnterpriseRecord):
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    award = models.CharField(_("award"), max_length=12, choices=CompetitionAward.choices)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("competition prize")
        verbose_name_plural = _("competition prizes")
