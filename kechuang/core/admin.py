"""Back office for core models, with the separated admin roles of `kechuang.core.backoffice`."""
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from kechuang.core import privileges
from kechuang.core.backoffice import RoleModelAdminMixin
from kechuang.core import clock
from kechuang.core.choices import PRIVILEGED_ROLES, Role
from kechuang.core.models import (
    AuditEntry, CertificateKind, Department, HighTechDomain, Industry, IPKind, OutboxEmail, PrivilegedChange, Region,
    Tier, User,
)

SYSADMIN = frozenset({Role.SYSADMIN})
SECADMIN = frozenset({Role.SECADMIN})
AUDITOR = frozenset({Role.AUDITOR})
REGISTRY_READERS = frozenset({Role.OFFICER, Role.LEADER, Role.SYSADMIN})


@admin.register(User)
class UserAdmin(RoleModelAdminMixin, DjangoUserAdmin, ModelAdmin):
    edit_roles = SYSADMIN
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("username", "get_full_name", "role", "department", "organisation", "is_active", "last_login")
    list_filter = ("role", "is_active", "department")
    search_fields = ("username", "first_name", "last_name", "email", "organisation")
    # is_staff follows the role (backoffice.sync_staff_flag); object permissions come from roles, not groups.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("role", "department", "organisation", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "role", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        # The system administrator manages ordinary accounts; superusers are managed from the command line.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Administrator roles are given only through a privileged change (kechuang.core.privileges).
        if db_field.name == "role":
            kwargs["choices"] = [(value, label) for value, label in Role.choices if value not in PRIVILEGED_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # An administrator account (or a superuser) is read-only here, its password included: it changes
        # only through an approved privileged change. Its owner changes their own password on their page.
        if obj is not None and privileges.is_privileged(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and privileges.is_privileged(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Department)
class DepartmentAdmin(RoleModelAdminMixin, ModelAdmin):
    edit_roles = SYSADMIN
    list_display = ("code", "name")
    search_fields = ("code", "name")


class ReferenceAdmin(RoleModelAdminMixin, ModelAdmin):
    """Reference tables ship with the project and are loaded by migrations: readable, never edited here."""

    view_roles = REGISTRY_READERS
    superuser_may_edit = False
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


admin.site.register(Region, ReferenceAdmin)
admin.site.register(Industry, ReferenceAdmin)
admin.site.register(HighTechDomain, ReferenceAdmin)


@admin.register(IPKind)
class IPKindAdmin(ReferenceAdmin):
    list_display = ("code", "label", "ip_class", "is_patent", "aliases")
    list_filter = ("ip_class",)
    search_fields = ("code", "label")


@admin.register(CertificateKind)
class CertificateKindAdmin(ReferenceAdmin):
    list_display = ("code", "label", "aliases")
    list_filter = ()
    search_fields = ("code", "label")


@admin.register(Tier)
class TierAdmin(ReferenceAdmin):
    list_display = ("rank", "code", "certificate_kind", "short_label")
    list_filter = ()
    search_fields = ("code", "short_label")


@admin.register(AuditEntry)
class AuditEntryAdmin(RoleModelAdminMixin, ModelAdmin):
    """The audit log: the auditor reads it; nobody adds, changes or deletes an entry."""

    view_roles = AUDITOR
    superuser_may_edit = False
    list_display = ("sequence", "at", "actor", "address", "action", "object_type", "object_id", "object_repr")
    list_filter = ("action", "object_type", "at")
    search_fields = ("actor", "address", "object_repr", "object_id")
    date_hierarchy = "at"
    actions = None

    def has_view_permission(self, request, obj=None):
        return self._has(request, AUDITOR)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


class PrivilegedChangeForm(forms.ModelForm):
    new_password = forms.CharField(label=_("New password"), required=False, strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    class Meta:
        model = PrivilegedChange
        fields = ["kind", "target", "username", "role", "is_active"]

    def __init__(self, *args, requester=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.requester = requester

    def clean(self):
        data = super().clean()
        try:
            self.requested = privileges.request_change(
                self.requester, data.get("kind"), target=data.get("target"), username=data.get("username", ""),
                role=data.get("role", ""), is_active=data.get("is_active"), password=data.get("new_password", ""),
            )
        except PermissionDenied as refusal:
            raise ValidationError(str(refusal)) from refusal
        return data


@admin.register(PrivilegedChange)
class PrivilegedChangeAdmin(RoleModelAdminMixin, ModelAdmin):
    """三员分立: the security administrator requests a change to an administrator account, and a second
    administrator approves it here (the action "Approve"), which applies it."""

    view_roles = frozenset({Role.SYSADMIN, Role.SECADMIN})
    superuser_may_edit = False
    form = PrivilegedChangeForm
    list_display = ("kind", "target", "username", "role", "is_active", "state", "requested_by", "requested_at",
                    "decided_by", "decided_at")
    list_filter = ("state", "kind")
    actions = ["approve", "reject"]

    def has_add_permission(self, request, *args):
        return self._has(request, SECADMIN)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class RequestForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, requester=request.user, **inner)

        return RequestForm

    # The request was made (and chained) by the service while the form was cleaned.
    def save_form(self, request, form, change):
        return form.requested

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        pass

    def _decide(self, request, queryset, decide, done):
        for change in queryset:
            try:
                decide(change, request.user)
            except (PermissionDenied, ValidationError) as refusal:
                message = refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal)
                self.message_user(request, f"{change}: {message}", messages.ERROR)
            else:
                self.message_user(request, f"{change}: {done}", messages.SUCCESS)

    @admin.action(description=_("Approve (a second administrator)"))
    def approve(self, request, queryset):
        self._decide(request, queryset, privileges.approve_change, _("approved and applied"))

    @admin.action(description=_("Reject"))
    def reject(self, request, queryset):
        self._decide(request, queryset, privileges.reject_change, _("rejected"))


class SecurityAdminMixin(RoleModelAdminMixin):
    view_roles = SECADMIN
    superuser_may_edit = False

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccessAttempt)
class LockoutAdmin(SecurityAdminMixin, AccessAttemptAdmin, ModelAdmin):
    """Failed-login records; deleting one lifts the lockout it causes. The page also shows the security
    settings in force, which only the security administrator reads."""

    list_before_template = "core/audit_security_settings.html"

    def has_delete_permission(self, request, obj=None):
        return self._has(request, SECADMIN) or bool(request.user.is_active and request.user.is_superuser)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "security_settings": security_settings()})


@admin.register(AccessLog)
class AccessLogReadAdmin(SecurityAdminMixin, AccessLogAdmin, ModelAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogReadAdmin(SecurityAdminMixin, AccessFailureLogAdmin, ModelAdmin):
    pass


def security_settings() -> list[tuple[str, str]]:
    validators = ", ".join(v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS)
    min_length = next(
        (v.get("OPTIONS", {}).get("min_length") for v in settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"]),
        None,
    )
    return [
        (_("Failed logins before lockout"), str(settings.AXES_FAILURE_LIMIT)),
        (_("Lockout duration (minutes)"), str(round(float(settings.AXES_COOLOFF_TIME) * 60))),
        (_("Lockout keyed by"), ", ".join(map(str, settings.AXES_LOCKOUT_PARAMETERS))),
        (_("Session idle timeout (minutes)"), str(settings.SESSION_COOKIE_AGE // 60)),
        (_("Minimum password length"), str(min_length or "—")),
        (_("Password validators"), validators),
        (_("Secure cookies (HTTPS only)"), _("yes") if settings.SESSION_COOKIE_SECURE else _("no")),
    ]


admin.site.unregister(Group)


@admin.register(OutboxEmail)
class OutboxEmailAdmin(RoleModelAdminMixin, ModelAdmin):
    """The e-mail outbox: what `kechuang deliver` sent, will retry, and gave up on (with the error);
    the system administrator puts given-up e-mails back in the queue once the mail server is fixed."""

    view_roles = SYSADMIN
    list_display = ("created_at", "to", "subject", "attempts", "next_attempt_at", "sent_at", "failed_at", "last_error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter), ("failed_at", admin.EmptyFieldListFilter))
    search_fields = ("to", "subject")
    actions = ["retry"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description=_("Queue again for delivery"))
    def retry(self, request, queryset):
        queryset.failed().update(failed_at=None, attempts=0, next_attempt_at=clock.now(), last_error="")
