"""Who may do what in the pipeline. The roles come from the workflow declaration; this module only
answers for a given user."""
from kechuang.core.permissions import sees_everything
from kechuang.cultivation.workflow import MANAGE_ROLES, TRANSITIONS


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_move(user, transition_name: str) -> bool:
    return _active(user) and user.role in TRANSITIONS[transition_name].roles


def can_manage(user) -> bool:
    """Select candidates, assign officers and log cultivation actions."""
    return _active(user) and user.role in MANAGE_ROLES


def can_view_pipeline(user) -> bool:
    return sees_everything(user)


def can_view_path(user, enterprise) -> bool:
    """An enterprise's own users, and officers and leaders, may read its path to every tier."""
    if not _active(user):
        return False
    return sees_everything(user) or enterprise.members.filter(pk=user.pk).exists()

