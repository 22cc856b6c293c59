"""Who may do what in the pipeline. The roles come from the workflow declaration; this module only
answers for a given user."""
from kechuang.core.permissions import is_signed_in, sees_everything
from kechuang.cultivation.workflow import MANAGE_ROLES, TRANSITIONS


def can_move(user, transition_name: str) -> bool:
    return is_signed_in(user) and user.role in TRANSITIONS[transition_name].roles


def can_manage(user) -> bool:
    """Select candidates, assign officers and log cultivation actions."""
    return is_signed_in(user) and user.role in MANAGE_ROLES


def can_view_pipeline(user) -> bool:
    return sees_everything(user)


def can_view_path(user, enterprise) -> bool:
    """An enterprise's own users, and officers and leaders, may read its path to every tier."""
    return sees_everything(user) or (is_signed_in(user) and enterprise.members.filter(pk=user.pk).exists())
