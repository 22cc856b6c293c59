"""Who may do what: the predicates every app's `permissions.py` builds on.

A predicate is a plain function of the user (and, for a rule about one record, of that record)
returning a bool. Pages (`kechuang.core.views.PredicateRequiredMixin`), the REST API
(`api_permission`), the back office (`kechuang.core.backoffice`) and the navigation all ask the
same predicates, so a rule is stated once.
"""
from rest_framework.permissions import BasePermission

from kechuang.core.choices import STAFF_ROLES, Role


def is_signed_in(user) -> bool:
    """A signed-in, active account: the first condition of every rule below."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def anyone(user) -> bool:
    return True


def nobody(user) -> bool:
    return False


def is_superuser(user) -> bool:
    return is_signed_in(user) and user.is_superuser


def sees_everything(user) -> bool:
    """Officers and leaders (and superusers) work across the whole registry."""
    return is_signed_in(user) and (user.is_superuser or user.role in STAFF_ROLES)


def has_role(*roles):
    """The predicate "a signed-in user with one of `roles`"."""

    def predicate(user) -> bool:
        return is_signed_in(user) and user.role in roles

    predicate.__name__ = f"has_role({','.join(roles)})"
    return predicate


is_officer = has_role(Role.OFFICER)
is_leader = has_role(Role.LEADER)
is_liaison = has_role(Role.LIAISON)
is_enterprise_user = has_role(Role.ENTERPRISE)
is_institution_user = has_role(Role.INSTITUTION)
is_provider_user = has_role(Role.PROVIDER)
is_expert_user = has_role(Role.EXPERT)
is_carrier_user = has_role(Role.CARRIER)
is_auditor = has_role(Role.AUDITOR)
is_sysadmin = has_role(Role.SYSADMIN)
is_secadmin = has_role(Role.SECADMIN)


def is_bureau_officer(user) -> bool:
    """The S&T bureau's officer, who writes registry data, imports and registers contracts; superusers too."""
    return is_officer(user) or is_superuser(user)


# The audit log is read by the auditor alone (三员分立); superusers are not exempt from that separation.
can_read_audit = is_auditor


def api_permission(predicate) -> type[BasePermission]:
    """A REST framework permission class that admits exactly the users `predicate` admits."""

    class Admits(BasePermission):
        def has_permission(self, request, view):
            return predicate(request.user)

    Admits.__name__ = Admits.__qualname__ = f"Admits_{predicate.__name__}"
    return Admits


# The API's default (settings.REST_FRAMEWORK): any signed-in, active account; each view narrows it.
SignedIn = api_permission(is_signed_in)
