"""Who may see what, stated once. Every app's `visible_to(user)` starts from these."""
import rules

from kechuang.core.choices import Role


def sees_everything(user) -> bool:
    """Officers and leaders (and superusers) work across the whole registry."""
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff_role))


def has_role(*roles):
    @rules.predicate(name=f"has_role({','.join(roles)})")
    def predicate(user):
        return bool(user and user.is_authenticated and user.is_active and user.role in roles)

    return predicate


is_officer = has_role(Role.OFFICER)
is_leader = has_role(Role.LEADER)
is_liaison = has_role(Role.LIAISON)
is_enterprise_user = has_role(Role.ENTERPRISE)
is_institution_user = has_role(Role.INSTITUTION)
is_auditor = has_role(Role.AUDITOR)
is_sysadmin = has_role(Role.SYSADMIN)
is_secadmin = has_role(Role.SECADMIN)
