"""Who may do what in the registry, stated once and used by pages, admin and API alike.

Reading is narrowed by each QuerySet's `visible_to(user)`; these predicates decide which screens and
writes a role reaches at all.
"""
import rules

from kechuang.core.permissions import is_auditor, is_enterprise_user, is_officer, sees_everything

is_registry_staff = rules.predicate(sees_everything, name="sees_everything")


@rules.predicate
def is_superuser(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


@rules.predicate
def is_member_of(user, enterprise):
    return enterprise is not None and enterprise.members.filter(pk=user.pk).exists()


# Officers and leaders browse the whole registry; an enterprise user browses only its own records
# (visible_to narrows the rows). Liaisons, institutions, providers and the three admin roles see no lists.
can_browse_registry = is_registry_staff | is_enterprise_user

# Monitoring is the bureau's job: alerts span every enterprise.
can_view_alerts = is_registry_staff

# Writes to registration facts and the linked records (admin, imports) are the officers' job.
can_manage_registry = is_officer | is_superuser

# An enterprise keeps its own contacts and yearly figures; officers may correct any enterprise's.
can_edit_contacts = can_manage_registry | (is_enterprise_user & is_member_of)
can_edit_yearly = can_edit_contacts

# The audit log is read by the auditor alone (三员分立); superusers are not exempt from that separation.
can_read_audit = is_auditor


def profiles_visible_to(user):
    """Enterprises whose profile page `user` may open.

    Everyone sees what `visible_to` allows; the auditor additionally opens any profile read-only, because
    the profile is where an enterprise's audit history is reviewed in context."""
    from kechuang.registry.models import Enterprise

    if can_read_audit(user):
        return Enterprise.objects.all()
    return Enterprise.objects.visible_to(user)
