"""Who may do what in the registry, stated once and used by pages, admin and API alike.

Reading is narrowed by each model's `row_scope` (`visible_to(user)`); these predicates decide which
screens and writes a role reaches at all.
"""
from kechuang.core.permissions import can_read_audit, is_bureau_officer, is_enterprise_user, sees_everything


def can_browse_registry(user) -> bool:
    """Officers and leaders browse the whole registry; an enterprise user browses only its own records
    (the row scope narrows them). Liaisons, institutions, providers and the three admin roles see no lists."""
    return sees_everything(user) or is_enterprise_user(user)


def can_view_alerts(user) -> bool:
    """Monitoring is the bureau's job: alerts span every enterprise."""
    return sees_everything(user)


def can_manage_registry(user) -> bool:
    """Writes to registration facts and the linked records (admin, imports) are the officers' job."""
    return is_bureau_officer(user)


def can_edit_contacts(user, enterprise) -> bool:
    """An enterprise keeps its own contacts and yearly figures; officers may correct any enterprise's."""
    return can_manage_registry(user) or (
        is_enterprise_user(user) and enterprise is not None and enterprise.members.filter(pk=user.pk).exists()
    )


can_edit_yearly = can_edit_contacts

def profiles_visible_to(user):
    """Enterprises whose profile page `user` may open.

    Everyone sees what `visible_to` allows; the auditor additionally opens any profile read-only, because
    the profile is where an enterprise's audit history is reviewed in context."""
    from kechuang.registry.models import Enterprise

    if can_read_audit(user):
        return Enterprise.objects.all()
    return Enterprise.objects.visible_to(user)
