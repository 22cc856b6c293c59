from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.choices import (
    STAFF_ROLES,
    AuditAction,
    DomainLevel,
    IndustryLevel,
    IPClass,
    RegionLevel,
    Role,
)


class Department(models.Model):
    """A government department (责任单位) that plan tasks are assigned to."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_staff_role(self) -> bool:
        """Officers and leaders see the whole registry."""
        return self.role in STAFF_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


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

    class Meta:
        ordering = ["ip_class", "code"]
        verbose_name = _("IP kind")
        verbose_name_plural = _("IP kinds")

    def __str__(self):
        return self.label


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

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """The single row writers lock to append to the chain; it also records the last digest, so that
    removing the newest entries is detected too."""

    sequence = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="0" * 64)


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
