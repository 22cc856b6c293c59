"""三员分立 held everywhere: the three administrator accounts (system administrator, security
administrator, auditor) and superusers are changed only through a two-person privileged change.

The design: creating such an account, granting or withdrawing an administrator role, resetting an
administrator's password and enabling or disabling an administrator account are the security
administrator's *request*; a second administrator (system or security administrator, neither the
requester nor the account concerned) *approves*, and only then is the change applied. Every request,
approval and the change itself are chained. Any other write to an administrator account's username,
role, password, superuser or active flag is refused wherever it comes from — the admin, a page, the API,
or a command run with `--as USER` — except a user changing their own password. A command run without
`--as` acts as the server's OS account, which holds the database credentials and the MAC key anyway; its
acts are chained under `os:<name>`.
"""
import contextvars
import datetime as dt
from contextlib import contextmanager

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core.audit import PendingEntry, acting_user, append, object_type_of, record_updated, snapshot
from kechuang.core.choices import PRIVILEGED_ROLES, AuditAction, PrivilegedChangeKind, PrivilegedChangeState, Role

GUARDED_FIELDS = ("username", "role", "password", "is_superuser", "is_active")
APPROVER_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN})
# An approved reset or new account starts with an expired password, so its owner must choose their own.
EXPIRED = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)

_applying: contextvars.ContextVar[int | None] = contextvars.ContextVar("kechuang_privileged_change", default=None)


class PrivilegeRefused(PermissionDenied):
    pass


def _models(*names):
    """core's models by name: core.models calls into this module from User.save, so importing it here
    would close an import cycle."""
    from django.apps import apps

    found = tuple(apps.get_model("core", name) for name in names)
    return found if len(found) > 1 else found[0]


def is_privileged(user) -> bool:
    return bool(user.is_superuser or user.role in PRIVILEGED_ROLES)


def check_user_write(user, stored) -> None:
    """Refuse a write to an administrator account unless it is an approved privileged change."""
    if not (is_privileged(user) or (stored is not None and is_privileged(stored))):
        return
    changed = [name for name in GUARDED_FIELDS if stored is None or getattr(stored, name) != getattr(user, name)]
    if not changed or _applying.get() is not None:
        return
    actor = acting_user()
    if actor is None:
        return
    if stored is not None and actor.pk == user.pk and changed == ["password"]:
        return
    raise PrivilegeRefused(_(
        "Administrator accounts are created, granted a role, reset or disabled only through a privileged "
        "change that the security administrator requests and a second administrator approves."
    ))


@contextmanager
def _applying_change(change):
    token = _applying.set(change.pk)
    try:
        yield
    finally:
        _applying.reset(token)


def _chain(action, change, **details) -> None:
    changes = {key: [None, value] for key, value in details.items() if value not in (None, "")}
    append([PendingEntry(action, object_type_of(type(change)), str(change.pk), str(change), changes)])


def request_change(requester, kind, *, target=None, username="", role="", is_active=None, password=""):
    """The security administrator asks for a privileged change; nothing is applied yet."""
    PrivilegedChange, User = _models('PrivilegedChange', 'User')

    if not (requester.is_active and requester.role == Role.SECADMIN):
        raise PrivilegeRefused(_("Only the security administrator may request a change to an administrator account."))
    if target is not None and target.pk == requester.pk:
        raise PrivilegeRefused(_("Nobody may request a privileged change to their own account."))
    if kind == PrivilegedChangeKind.CREATE_ACCOUNT:
        if role not in PRIVILEGED_ROLES:
            raise ValidationError(_("A new administrator account needs an administrator role."))
        if not username or User.objects.filter(username=username).exists():
            raise ValidationError(_("This username is empty or already taken."))
    elif target is None:
        raise ValidationError(_("Choose the account to change."))
    if kind == PrivilegedChangeKind.SET_ROLE and not role:
        raise ValidationError(_("Choose the role to set."))
    if kind == PrivilegedChangeKind.SET_ACTIVE and is_active is None:
        raise ValidationError(_("Say whether the account is to be enabled or disabled."))
    if kind in (PrivilegedChangeKind.CREATE_ACCOUNT, PrivilegedChangeKind.RESET_PASSWORD):
        validate_password(password, target or User(username=username, role=role))
    change = PrivilegedChange.objects.create(
        kind=kind, target=target, username=username or (target.username if target else ""), role=role,
        is_active=is_active, password=make_password(password) if password else "", requested_by=requester,
    )
    _chain(AuditAction.PRIVILEGE_REQUEST, change, kind=kind, account=change.username, role=role, is_active=is_active)
    return change


def approve_change(change, approver):
    """A second administrator approves: the change is applied and chained."""
    PrivilegedChange, User = _models('PrivilegedChange', 'User')

    with transaction.atomic():
        change = PrivilegedChange.objects.select_for_update().get(pk=change.pk)
        _check_decider(change, approver)
        with _applying_change(change):
            if change.kind == PrivilegedChangeKind.CREATE_ACCOUNT:
                account = User(username=change.username, role=change.role, password=change.password,
                               password_changed_at=EXPIRED)
            else:
                account = change.target
                if change.kind == PrivilegedChangeKind.SET_ROLE:
                    account.role = change.role
                elif change.kind == PrivilegedChangeKind.RESET_PASSWORD:
                    account.password, account.password_changed_at = change.password, EXPIRED
                else:
                    account.is_active = change.is_active
            account.save()
        before = snapshot(change)
        change.target, change.password = account, ""
        change.state, change.decided_by, change.decided_at = PrivilegedChangeState.APPROVED, approver, timezone.now()
        change.save()
        record_updated(change, before)
        _chain(AuditAction.PRIVILEGE_APPROVE, change, kind=change.kind, account=account.username,
               approved_by=approver.username)
    return change


def reject_change(change, decider):
    PrivilegedChange = _models('PrivilegedChange')

    with transaction.atomic():
        change = PrivilegedChange.objects.select_for_update().get(pk=change.pk)
        if change.requested_by_id != decider.pk:
            _check_decider(change, decider)
        elif change.state != PrivilegedChangeState.PENDING:
            raise ValidationError(_("This change has already been decided."))
        before = snapshot(change)
        change.state, change.decided_by, change.decided_at = PrivilegedChangeState.REJECTED, decider, timezone.now()
        change.password = ""
        change.save()
        record_updated(change, before)
    return change


def _check_decider(change, decider) -> None:
    if change.state != PrivilegedChangeState.PENDING:
        raise ValidationError(_("This change has already been decided."))
    if not (decider.is_active and decider.role in APPROVER_ROLES):
        raise PrivilegeRefused(_("Only a system or security administrator may approve a privileged change."))
    if decider.pk in (change.requested_by_id, change.target_id):
        raise PrivilegeRefused(_("A privileged change needs a second administrator: neither the requester nor "
                                 "the account concerned may approve it."))
