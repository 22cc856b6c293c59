"""Who may do what with vouchers, stated once; pages, the API and the workflow declaration ask these."""
from kechuang.core.permissions import is_bureau_officer, is_enterprise_user, is_provider_user, sees_everything

# Reviewing claims, verifying providers and paying are the bureau officers' work.
can_manage_vouchers = is_bureau_officer


def sees_voucher_statistics(user) -> bool:
    return sees_everything(user)


def enterprise_of(user):
    return user.enterprises.order_by("pk").first() if is_enterprise_user(user) else None


def provider_of(user):
    return user.providers.order_by("pk").first() if is_provider_user(user) else None


def acts_for_enterprise(user, enterprise) -> bool:
    return is_enterprise_user(user) and enterprise.members.filter(pk=user.pk).exists()


def acts_for_provider(user, provider) -> bool:
    return is_provider_user(user) and provider.users.filter(pk=user.pk).exists()


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
    return can_manage_vouchers(user) or is_enterprise_user(user)


uses_provider_workspace = is_provider_user
uses_enterprise_workspace = is_enterprise_user


def can_apply_as_provider(user) -> bool:
    """A provider user not yet linked to a provider applies for listing (申请入库)."""
    return uses_provider_workspace(user) and provider_of(user) is None


def uses_vouchers(user) -> bool:
    """The voucher workspace serves the bureau (officers manage, leaders look), firms and providers."""
    return (
        can_manage_vouchers(user) or sees_voucher_statistics(user)
        or uses_provider_workspace(user) or uses_enterprise_workspace(user)
    )
