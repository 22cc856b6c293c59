from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import clock
from kechuang.core.access import ANY_ROLE, Scope, ScopedQuerySet
from kechuang.core.audit import AuditedModel, PendingEntry, append, object_type_of
from kechuang.core.permissions import nobody
from kechuang.core.choices import (
    PrivilegedChangeKind,
    PrivilegedChangeState,
    AuditAction,
    DomainLevel,
    IndustryLevel,
    IPClass,
    RegionLevel,
    Role,
)


class Department(AuditedModel):
    """A government department (责任单位) that plan tasks are assigned to."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class User(AuditedModel, AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    password_changed_at = models.DateTimeField(_("password changed"), default=timezone.now)

    # The chain records that a password changed (its own entry), never the hash; logins are their own entries.
    audit_exclude = ("password", "password_changed_at", "last_login")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        """A Chinese name reads surname first with no space between (王 + 立新 = 王立新)."""
        return f"{self.last_name}{self.first_name}".strip()

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        from kechuang.core import privileges
        from kechuang.core.tokens import revoke_tokens

        stored = type(self)._base_manager.filter(pk=self.pk).first() if self.pk is not None else None
        privileges.check_user_write(self, stored)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if stored is not None and stored.password != self.password:
                revoke_tokens(self)
                append([PendingEntry(AuditAction.PASSWORD_CHANGE, object_type_of(User), str(self.pk), str(self))])


class ReferenceQuerySet(models.QuerySet):
    def under(self, code: str):
        """Codes lying under `code` in the hierarchy, `code` itself included."""
        return self.filter(code__startswith=code)


class Region(models.Model):
    """统计用区划代码 (2023): province 2 digits, city 4, county 6, township 9."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.code} {self.name}"


class Industry(models.Model):
    """国民经济行业分类 GB/T 4754-2017: section letter, then 2/3/4-digit codes."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=IndustryLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    remark = models.TextField(_("remark"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def section(self) -> "Industry":
        node = self
        while node.parent_id:
            node = node.parent
        return node


class HighTechDomain(models.Model):
    """国家重点支持的高新技术领域 (2016): 8 domains, sub-domains and items."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=DomainLevel.choices)
    numbering = models.CharField(_("official numbering"), max_length=30)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("high-tech domain")
        verbose_name_plural = _("high-tech domains")

    def __str__(self):
        return self.name


class IPKind(models.Model):
    """A kind of intellectual property and its class (Ⅰ类 / Ⅱ类) as 高企 and 国科小 count it."""

    code = models.CharField(_("code"), max_length=30, primary_key=True)
    label = models.CharField(_("label"), max_length=30, unique=True)
    ip_class = models.CharField(_("class"), max_length=2, choices=IPClass.choices)
    is_patent = models.BooleanField(_("is a patent"), default=False)
    aliases = models.JSONField(_("other spellings"), default=list, blank=True)

    class Meta:
        ordering = ["ip_class", "code"]
        verbose_name = _("IP kind")
        verbose_name_plural = _("IP kinds")

    def __str__(self):
        return self.label


class CertificateKind(models.Model):
    """A kind of certificate an enterprise holds (资质): the tiers' recognitions and a few others."""

    code = models.CharField(_("code"), max_length=30, primary_key=True)
    label = models.CharField(_("label"), max_length=30, unique=True)
    aliases = models.JSONField(_("other spellings"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("certificate kind")
        verbose_name_plural = _("certificate kinds")

    def __str__(self):
        return self.label


class Tier(models.Model):
    """A step of the cultivation gradient; its code is also its certificate kind and its rule set."""

    code = models.CharField(_("code"), max_length=30, primary_key=True)
    rank = models.PositiveSmallIntegerField(_("rank"))
    short_label = models.CharField(_("short name"), max_length=20)
    certificate_kind = models.OneToOneField(
        CertificateKind, verbose_name=_("certificate kind"), on_delete=models.PROTECT, related_name="tier"
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self):
        return self.certificate_kind.label


class AuditEntry(models.Model):
    """One line of the append-only audit log; `digest` chains it to the line before."""

    sequence = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.CharField(_("who"), max_length=150, blank=True)
    address = models.CharField(_("from address"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    # HMAC-SHA256 of the digest under a key kept outside the database (`kechuang.core.audit_seal`).
    mac = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # A user's previous sign-in, read at each sign-in for "since your last visit".
            models.Index(fields=["actor", "action", "sequence"]),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """The single row writers lock to append to the chain; it also records the last digest, so that
    removing the newest entries is detected too."""

    sequence = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="0" * 64)
    mac = models.CharField(max_length=64, blank=True)


class AuditArchiveMark(models.Model):
    """Entries up to `through_sequence` were archived to `file_name` and removed: the chain kept in the
    database continues from `through_digest`. The MAC proves the mark was written by the archive command."""

    through_sequence = models.BigIntegerField(unique=True)
    through_digest = models.CharField(max_length=64)
    archived_at = models.DateTimeField()
    file_name = models.CharField(max_length=500)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["through_sequence"]

    def sealed_text(self) -> str:
        return f"archive:{self.through_sequence}:{self.through_digest}"


class PrivilegedChange(models.Model):
    """A change to an administrator account (三员分立): the security administrator asks, a second
    administrator approves, and only then is it applied (`kechuang.core.privileges`)."""

    kind = models.CharField(_("change"), max_length=20, choices=PrivilegedChangeKind.choices)
    target = models.ForeignKey(User, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="privileged_changes")
    username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    is_active = models.BooleanField(_("active"), null=True, blank=True)
    # The new password's hash (never the password): the account must change it at its next login.
    password = models.CharField(max_length=128, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=PrivilegedChangeState.choices,
                             default=PrivilegedChangeState.PENDING)
    requested_by = models.ForeignKey(User, verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(User, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    audit_exclude = ("password",)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("privileged change")
        verbose_name_plural = _("privileged changes")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.target or self.username}"


class NotificationQuerySet(ScopedQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notice to one user, written by `kechuang.core.notifications.notify`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # What the notice is about (e.g. "overdue:42:2022-Q1") when it must reach a user only once, so
    # that running `kechuang remind` again never repeats it; empty when repeats are wanted.
    key = models.CharField(max_length=100, blank=True)
    text = models.CharField(_("message"), max_length=300)
    body = models.TextField(_("details"), blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()
    # Everyone, officers included, reads only their own notices.
    row_scope = Scope({ANY_ROLE: "user"}, everything=nobody)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""), name="core_notification_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.text


class OutboxQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)

    def due(self, moment):
        return self.pending().filter(next_attempt_at__lte=moment)

    def failed(self):
        return self.filter(failed_at__isnull=False)


class OutboxEmail(models.Model):
    """One e-mail to one address, written in the same transaction as what it reports and sent later by
    `kechuang deliver`: a delivery that fails is retried, never lost, and a sent one is never sent again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=clock.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=clock.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # A deliverer owns a row from the moment its conditional UPDATE set `claimed_at` and its token
    # until it marks the row sent or releases it; a claim older than the deliverer's timeout is a
    # deliverer that died and may be taken over.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "failed_at", "next_attempt_at"])]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self):
        return f"{self.to}: {self.subject}"


class ExportJob(models.Model):
    """A large export built outside the request: the page creates the job, a `kechuang exports run`
    process claims and writes it (reporting rows as it goes), and the page offers the file when done."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="export_jobs")
    # The list page's address with its filters: the worker asks that page for the export as this user.
    path = models.CharField(_("address"), max_length=2000)
    filename = models.CharField(_("file name"), max_length=200)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0


# The ledger's models live beside its postings; importing them here registers them with the app.
from kechuang.core.ledger import LedgerAccount, LedgerEntry  # noqa: E402,F401


class DataDate(AuditedModel):
    """The date the district's data speaks for when that is not today: a demo district built as of a
    fixed date, or a registry loaded from a year-end census. Pages that read figures as of a date open
    on it (kechuang.core.datadate), so the data is not judged by a day it says nothing about."""

    as_of = models.DateField(_("data as of"))
    source = models.CharField(_("source"), max_length=100)

    class Meta:
        verbose_name = _("data date")
        verbose_name_plural = _("data dates")

    def __str__(self):
        return f"{self.source}: {self.as_of.isoformat()}"


class TableVersion(models.Model):
    """How many audited writes a table has had: bumped in the writing transaction (kechuang.core.audit),
    read by stored figures (kechuang.core.storedfigures) to know whether what they were computed from
    has changed since."""

    object_type = models.CharField(max_length=100, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)


class StoredFigure(models.Model):
    """A district-wide figure computed once for a key (a date, a screening run) and the versions of the
    tables it reads; a stored value whose versions are no longer current is never shown."""

    name = models.CharField(max_length=80)
    key = models.CharField(max_length=200)
    versions = models.CharField(max_length=500)
    value = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "key"], name="stored_figure_one_per_key")]
