"""Who may do what in the pipeline; the workflow declaration (cultivation.workflow) names these
predicates for each of its moves."""
from kechuang.core.choices import Role
from kechuang.core.permissions import is_signed_in, sees_everything

# Selecting a candidate, assigning the officer in charge, logging actions and moving a card.
MANAGE_ROLES = frozenset({Role.OFFICER})


def can_manage(user) -> bool:
    """Select candidates, assign officers and log cultivation actions."""
    return is_signed_in(user) and user.role in MANAGE_ROLES


def can_view_pipeline(user) -> bool:
    return sees_everything(user)


def can_view_path(user, enterprise) -> bool:
    """An enterprise's own users, and officers and leaders, may read its path to every tier."""
    return sees_everything(user) or (is_signed_in(user) and enterprise.members.filter(pk=user.pk).exists())
