from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kechuang.core.audit import Actor, PendingEntry, append
from kechuang.core.choices import AuditAction
from kechuang.core.middleware import client_address


def _login_event(action: str, username: str, request) -> None:
    address = client_address(request) if request is not None else ""
    append([PendingEntry(action, "core.user", "", username)], Actor(username, address))


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    _login_event(AuditAction.LOGIN, user.get_username(), request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        _login_event(AuditAction.LOGOUT, user.get_username(), request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    _login_event(AuditAction.LOGIN_FAILED, str(credentials.get("username", ""))[:150], request)
