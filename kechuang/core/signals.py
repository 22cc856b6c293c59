import time

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver

from kechuang.core.audit import Actor, PendingEntry, append, current_actor
from kechuang.core.choices import AuditAction
from kechuang.core.middleware import LOGIN_AT_SESSION_KEY, client_address
from kechuang.core.tokens import revoke_tokens


def _login_event(action: str, username: str, request, changes: dict | None = None) -> None:
    address = client_address(request) if request is not None else ""
    append([PendingEntry(action, "core.user", "", username, changes)], Actor(username, address))


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = time.time()
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
