"""What vouchers ask of each role now: claims to decide and pay, services to deliver, vouchers to use."""
from django.utils.translation import gettext as _

from kechuang.core.permissions import is_enterprise_user, is_provider_user
from kechuang.core.workspace import WorkItem, listed
from kechuang.vouchers.choices import ClaimState, ProviderStatus
from kechuang.vouchers.permissions import can_manage_vouchers


def work_items(user) -> list[WorkItem | None]:
    if can_manage_vouchers(user):
        return [
            listed(user, _("Voucher claims awaiting your decision"), "vouchers:claims", state=ClaimState.SUBMITTED),
            listed(user, _("Redeemed vouchers to pay"), "vouchers:claims", state=ClaimState.REDEEMED),
            listed(user, _("Service providers awaiting verification"), "vouchers:providers", status=ProviderStatus.APPLIED),
        ]
    if is_provider_user(user):
        return [listed(user, _("Approved vouchers waiting for your service"), "vouchers:claims", state=ClaimState.APPROVED)]
    if is_enterprise_user(user):
        return [listed(user, _("Approved vouchers to use"), "vouchers:claims", state=ClaimState.APPROVED)]
    return []
