"""Who may do what with talent records, stated once; pages, the API and the navigation ask these."""
from kechuang.core.permissions import is_bureau_officer, is_enterprise_user, is_institution_user, sees_everything

# Keeping talent records, revealing a number (with a reason), removals and the directory: the bureau's
# officers. Leaders read.
can_manage_talent = is_bureau_officer
can_reveal = is_bureau_officer


def sees_talent(user) -> bool:
    """The bureau sees every record; an employer's users (enterprise or institution) their own staff."""
    return sees_everything(user) or is_enterprise_user(user) or is_institution_user(user)


def sees_talent_map(user) -> bool:
    return sees_everything(user)


def acts_for_enterprise(user, enterprise) -> bool:
    return is_enterprise_user(user) and enterprise.members.filter(pk=user.pk).exists()


def enterprise_of(user):
    return user.enterprises.order_by("pk").first() if is_enterprise_user(user) else None


def submits_demand(user) -> bool:
    """Enterprises answer a directory's collection round for themselves."""
    return is_enterprise_user(user)


def can_submit_demand(user, enterprise) -> bool:
    return acts_for_enterprise(user, enterprise)
