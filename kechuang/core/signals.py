import time

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver

from kechuang.core.audit import Actor, AuditedModel, PendingEntry, append, current_actor, object_type_of
from kechuang.core.choices import AuditAction
from kechuang.core.middleware import LOGIN_AT_SESSION_KEY, PREVIOUS_VISIT_SESSION_KEY, client_address
from kechuang.core.models import AuditEntry
from kechuang.core.tokens import revoke_tokens


def _login_event(action: str, username: str, request, changes: dict | None = None) -> None:
    address = client_address(request) if request is not None else ""
    append([PendingEntry(action, "core.user", "", username, changes)], Actor(username, address))


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = time.time()
        # The home page's "since your last visit" starts where the previous sign-in did.
        previous = (AuditEntry.objects.filter(action=AuditAction.LOGIN, actor=user.get_username())
                    .order_by("-sequence").values_list("at", flat=True).first())
        request.session[PREVIOUS_VISIT_SESSION_KEY] = previous.isoformat() if previous else ""
    _login_event(AuditAction.LOGIN, user.get_username(), request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        revoke_tokens(user)
        _login_event(AuditAction.LOGOUT, user.get_username(), request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    _login_event(AuditAction.LOGIN_FAILED, str(credentials.get("username", ""))[:150], request)


@receiver(user_locked_out, dispatch_uid="kechuang.core.signals.audit_lockout")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    _login_event(AuditAction.LOCKOUT, str(username or "")[:150], request, {"ip_address": [None, ip_address]})


@receiver(post_delete, sender=AccessAttempt, dispatch_uid="kechuang.core.signals.audit_unlock")
def audit_unlock(sender, instance, **kwargs):
    """Removing an attempt record that had reached the limit lifts a lockout: chained under whoever did it
    (the security administrator in the admin, or `axes_reset` on the command line)."""
    if instance.failures_since_start >= settings.AXES_FAILURE_LIMIT:
        append([PendingEntry(AuditAction.UNLOCK, "core.user", "", instance.username or "",
                             {"ip_address": [instance.ip_address, None]})], current_actor())


def audit_membership(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Chain a change of a many-to-many membership (an enterprise's users, a task's co-departments): the
    members after the change, by id, on the row that declares the field."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    owners = list(model._base_manager.filter(pk__in=pk_set or ())) if reverse else [instance]
    append([_membership_entry(owner, sender) for owner in owners])


def _membership_entry(owner, through) -> PendingEntry:
    field = next(f for f in type(owner)._meta.many_to_many if f.remote_field.through is through)
    members = sorted(str(pk) for pk in getattr(owner, field.name).values_list("pk", flat=True))
    return PendingEntry(AuditAction.UPDATE, object_type_of(type(owner)), str(owner.pk), str(owner),
                        {field.name: [None, members]})


def connect_membership_audit() -> None:
    from django.apps import apps
    from django.db.models.signals import m2m_changed

    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            for field in model._meta.many_to_many:
                m2m_changed.connect(audit_membership, sender=field.remote_field.through,
                                    dispatch_uid=f"kechuang.audit_membership.{model._meta.label}.{field.name}")
