"""Who may do what in the listing pool and innovation finance, stated once."""
from kechuang.core.permissions import is_bureau_officer, is_enterprise_user, is_signed_in, sees_everything

# Keeping the pool, the funds and products and following up demands is the bureau officers' work;
# leaders read everything and change nothing.
can_manage_finance = is_bureau_officer


def can_view_finance(user) -> bool:
    return sees_everything(user)


def uses_finance(user) -> bool:
    """The finance pages serve the bureau and the enterprises (their own entry, demands and points)."""
    return sees_everything(user) or is_enterprise_user(user)


def acts_for_enterprise(user, enterprise) -> bool:
    return is_enterprise_user(user) and enterprise.members.filter(pk=user.pk).exists()


def can_post_demand(user, enterprise) -> bool:
    """A firm posts its own demands; an officer may post one for it (窗口代办)."""
    return can_manage_finance(user) or acts_for_enterprise(user, enterprise)


def can_withdraw_demand(user, demand) -> bool:
    return can_manage_finance(user) or acts_for_enterprise(user, demand.enterprise)


def enterprise_of(user):
    return user.enterprises.order_by("pk").first() if is_signed_in(user) and is_enterprise_user(user) else None
