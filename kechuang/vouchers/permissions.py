"""Who may do what with vouchers, stated once; pages, the API and the workflow declaration ask these."""
from kechuang.core.choices import Role
from kechuang.core.permissions import is_officer, sees_everything


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_vouchers(user) -> bool:
    """Reviewing claims, verifying providers and paying are the bureau officers' work."""
    return bool(is_officer(user) or (_active(user) and user.is_superuser))


def sees_voucher_statistics(user) -> bool:
    return sees_everything(user)


def enterprise_of(user):
    return user.enterprises.order_by("pk").first() if _active(user) and user.role == Role.ENTERPRISE else None


def provider_of(user):
    return user.providers.order_by("pk").first() if _active(user) and user.role == Role.PROVIDER else None


def acts_for_enterprise(user, enterprise) -> bool:
    return _active(user) and user.role == Role.ENTERPRISE and enterprise.members.filter(pk=user.pk).exists()


def acts_for_provider(user, provider) -> bool:
    return _active(user) and user.role == Role.PROVIDER and provider.users.filter(pk=user.pk).exists()


def can_file_claim(user, enterprise) -> bool:
    """The firm files its own claims; an officer may file one for it at the service window (窗口代办)."""
    return can_manage_vouchers(user) or acts_for_enterprise(user, enterprise)


def can_withdraw(user, claim) -> bool:
    return can_file_claim(user, claim.enterprise)


def can_redeem(user, claim) -> bool:
    """流通券 and 高企券 are redeemed by the provider that collected them, 补助券 by the firm itself."""
    if claim.redeemed_by_enterprise:
        return acts_for_enterprise(user, claim.enterprise)
    return acts_for_provider(user, claim.provider)


def can_rate(user, claim) -> bool:
    return acts_for_enterprise(user, claim.enterprise)


def can_keep_catalogue(user, provider) -> bool:
    """A provider keeps its own services and instruments; officers may correct them."""
    return can_manage_vouchers(user) or acts_for_provider(user, provider)


def can_book(user) -> bool:
    return can_manage_vouchers(user) or (_active(user) and user.role == Role.ENTERPRISE)


def uses_provider_workspace(user) -> bool:
    return _active(user) and user.role == Role.PROVIDER


def uses_enterprise_workspace(user) -> bool:
    return _active(user) and user.role == Role.ENTERPRISE
