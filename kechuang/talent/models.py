"""Talent on record (科技人才), the programmes and levels that recognise them, the consent behind each
record, and the yearly guidance directory (高端人才指导目录) with the employer demand collected for it.

Identity numbers and phones are held three ways, none of them readable without the key outside the
database (`kechuang.talent.crypto`): the Fernet ciphertext, a blind index (HMAC) for uniqueness and
look-up, and the masked form every page, export, API response and audit entry shows. The ciphertexts
and indexes are excluded from audit snapshots, so the trail carries the masked form only.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.access import Scope, ScopedQuerySet
from kechuang.core.audit import AuditedModel
from kechuang.core.choices import Role
from kechuang.core.permissions import is_signed_in
from kechuang.talent.choices import ConsentForm, Education, EditionState, Gender, Mode, Scarcity, SensitiveField, Title


class Programme(AuditedModel):
    """A talent programme (人才计划): the city's, or the district's own, entered as data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    issuer = models.CharField(_("run by"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    verified = models.BooleanField(_("levels verified against the text"), default=False)
    district_own = models.BooleanField(_("the district's own programme"), default=False)
    order = models.PositiveSmallIntegerField(default=100)

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope(everything=is_signed_in)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("talent programme")
        verbose_name_plural = _("talent programmes")

    def __str__(self):
        return self.name


class ProgrammeLevel(AuditedModel):
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="levels")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["programme__order", "order", "code"]
        verbose_name = _("programme level")
        verbose_name_plural = _("programme levels")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="talent_level_code_once"),
            models.UniqueConstraint(fields=["programme", "name"], name="talent_level_name_once"),
        ]

    def __str__(self):
        return f"{self.programme.name} · {self.name}"


# Enterprise users see the staff of the enterprises they belong to; institution users the staff of the
# registry enterprise their institution is (techmarket links an institution to its registry record).
STAFF_SCOPE = Scope({Role.ENTERPRISE: "employer__members", Role.INSTITUTION: "employer__institution__users"})


class TalentQuerySet(ScopedQuerySet):
    def in_district(self, region_code=None):
        from kechuang.registry.models import in_district_q

        return self.filter(in_district_q("employer__", region_code))

    def on_record(self, as_of):
        """People who had arrived by the date (a person with no arrival date counts from the start)."""
        return self.filter(Q(arrival_date__isnull=True) | Q(arrival_date__lte=as_of))


class Talent(AuditedModel):
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    id_cipher = models.TextField(editable=False)
    id_index = models.CharField(max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone_cipher = models.TextField(editable=False, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=11, blank=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    education = models.CharField(_("education"), max_length=12, choices=Education.choices)
    title = models.CharField(_("professional title"), max_length=12, choices=Title.choices, default=Title.NONE)
    field = models.ForeignKey(
        "core.HighTechDomain", verbose_name=_("technical field"), on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("employer"), on_delete=models.PROTECT, related_name="talents"
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    level = models.ForeignKey(
        ProgrammeLevel, verbose_name=_("programme level"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="talents",
    )
    recognition_year = models.PositiveSmallIntegerField(_("recognition year"), null=True, blank=True)
    recognition_document = models.CharField(_("recognition document"), max_length=200, blank=True)
    mode = models.CharField(_("how introduced"), max_length=10, choices=Mode.choices, default=Mode.FULL_TIME)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    achievements = models.ManyToManyField(
        "techmarket.Achievement", verbose_name=_("achievements"), blank=True, related_name="talents"
    )
    projects = models.ManyToManyField("registry.Project", verbose_name=_("projects"), blank=True, related_name="talents")

    objects = TalentQuerySet.as_manager()
    row_scope = STAFF_SCOPE
    audit_exclude = ("id_cipher", "id_index", "phone_cipher", "phone_index")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("talent")
        verbose_name_plural = _("talents")
        indexes = [models.Index(fields=["employer", "level"]), models.Index(fields=["field", "level"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(recognition_year__isnull=False), name="talent_level_has_year"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.id_masked}）"

    def get_absolute_url(self):
        return reverse("talent:talent", args=[self.pk])


class Consent(AuditedModel):
    """One purpose the person agreed to separately (第二十九条), with why it is necessary (第三十条)."""

    talent = models.ForeignKey(Talent, verbose_name=_("talent"), on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=200)
    necessity = models.CharField(_("why it is necessary"), max_length=300)
    form = models.CharField(_("form of consent"), max_length=10, choices=ConsentForm.choices, default=ConsentForm.SEPARATE)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope({Role.ENTERPRISE: "talent__employer__members", Role.INSTITUTION: "talent__employer__institution__users"})

    class Meta:
        ordering = ["talent", "given_on", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")), name="consent_dates_order"
            ),
        ]

    def __str__(self):
        return f"{self.talent_id}: {self.purpose}"


class Disclosure(AuditedModel):
    """One reveal of one person's number to an officer, with the reason asked for; chained as it is
    created. The number itself is never stored here."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="disclosures")
    field = models.CharField(_("what was revealed"), max_length=10, choices=SensitiveField.choices)
    masked = models.CharField(_("masked value"), max_length=18)
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self):
        return f"{self.get_field_display()} {self.masked}"


class Edition(AuditedModel):
    """One year's guidance directory: collects employer demand, then is published."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=12, choices=EditionState.choices, default=EditionState.COLLECTING)
    collect_until = models.DateField(_("demand collected until"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    document = models.CharField(_("document number"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    # A published directory is for every signed-in user (employers read what the district wants); the
    # edition still collecting is known to the enterprises asked for their demand too.
    row_scope = Scope(everything=is_signed_in)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("guidance directory")
        verbose_name_plural = _("guidance directories")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("talent:edition", args=[self.year])


class DirectoryRow(AuditedModel):
    edition = models.ForeignKey(Edition, verbose_name=_("directory"), on_delete=models.CASCADE, related_name="rows")
    industry = models.ForeignKey(
        "core.Industry", verbose_name=_("industry"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    field = models.ForeignKey("core.HighTechDomain", verbose_name=_("technical field"), on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("position"), max_length=100)
    profile = models.CharField(_("profile wanted"), max_length=500, blank=True)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    education = models.CharField(_("education at least"), max_length=12, choices=Education.choices, blank=True)
    scarcity = models.CharField(_("scarcity"), max_length=12, choices=Scarcity.choices, default=Scarcity.SCARCE)
    wanted = models.PositiveIntegerField(_("number wanted"))

    class Meta:
        ordering = ["edition", "field", "industry", "position", "id"]
        verbose_name = _("directory row")
        verbose_name_plural = _("directory rows")
        constraints = [models.CheckConstraint(condition=Q(wanted__gt=0), name="directory_row_wants_someone")]

    def __str__(self):
        return f"{self.edition.year} {self.position}"


class EmployerDemand(AuditedModel):
    """An enterprise's answer to an edition's collection round (用人单位需求征集)."""

    edition = models.ForeignKey(Edition, verbose_name=_("directory"), on_delete=models.CASCADE, related_name="demands")
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="talent_demands"
    )
    field = models.ForeignKey("core.HighTechDomain", verbose_name=_("technical field"), on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("position"), max_length=100)
    profile = models.CharField(_("profile wanted"), max_length=500, blank=True)
    education = models.CharField(_("education at least"), max_length=12, choices=Education.choices, blank=True)
    wanted = models.PositiveIntegerField(_("number wanted"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_on = models.DateField(_("submitted on"))

    objects = ScopedQuerySet.as_manager()
    row_scope = Scope({Role.ENTERPRISE: "enterprise__members"})

    class Meta:
        ordering = ["edition", "enterprise", "id"]
        verbose_name = _("employer demand")
        verbose_name_plural = _("employer demands")
        constraints = [models.CheckConstraint(condition=Q(wanted__gt=0), name="employer_demand_wants_someone")]

    def __str__(self):
        return f"{self.enterprise}: {self.position} × {self.wanted}"

