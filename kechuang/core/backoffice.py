"""The back office's separation of duties (三员分立, 等保 2.0) and who may enter the admin at all.

- the system administrator manages users and departments;
- the security administrator manages login lockouts and reads the security settings;
- the auditor reads the audit log;
- officers keep registry data there; leaders look at it.

Nobody may do another's job, and the audit log is read-only for everyone, superusers included.
"""
from django.db.models.signals import pre_save
from django.dispatch import receiver

from kechuang.core.choices import Role
from kechuang.core.permissions import has_role, is_superuser

# Roles that log in to the admin; `is_staff` follows the role, so it is never set or revoked by hand.
ADMIN_ROLES = frozenset({Role.OFFICER, Role.LEADER, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})


def staff_flag_for(user) -> bool:
    return user.is_superuser or user.role in ADMIN_ROLES


@receiver(pre_save, sender="core.User", dispatch_uid="kechuang.core.backoffice.sync_staff_flag")
def sync_staff_flag(sender, instance, **kwargs):
    instance.is_staff = staff_flag_for(instance)


class RoleModelAdminMixin:
    """ModelAdmin permissions keyed by role instead of Django's per-model permission rows, answered by
    the predicates of `kechuang.core.permissions`.

    `view_roles` may look, `edit_roles` may add, change and delete; a superuser may do both unless
    `superuser_may_edit` is False."""

    view_roles: frozenset = frozenset()
    edit_roles: frozenset = frozenset()
    superuser_may_edit = True

    def _has(self, request, roles) -> bool:
        return bool(request.user.is_staff and has_role(*roles)(request.user))

    def _may_edit(self, request) -> bool:
        if is_superuser(request.user):
            return self.superuser_may_edit
        return self._has(request, self.edit_roles)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_superuser(request.user) or self._has(request, self.view_roles | self.edit_roles)

    def has_add_permission(self, request, *args):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request)
