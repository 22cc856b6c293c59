"""The voucher claim and the provider's standing, declared once (kechuang.core.workflow)."""
from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import BY, COMMENT, NOW, Transition, Workflow
from kechuang.vouchers import permissions as perms
from kechuang.vouchers.choices import ClaimState, ProviderStatus
from kechuang.vouchers.models import Claim, Provider


def _may_manage(user, obj) -> bool:
    return perms.can_manage_vouchers(user)


CLAIM = Workflow(Claim, "state", [
    Transition(
        "approve", _("Approve"), {ClaimState.SUBMITTED}, ClaimState.APPROVED, _may_manage,
        stamps={"decided_by": BY, "decided_at": NOW}, primary=True,
    ),
    Transition(
        "reject", _("Reject"), {ClaimState.SUBMITTED}, ClaimState.REJECTED, _may_manage, needs_comment=True,
        comment_message=_("Give the reason for rejecting the claim."),
        stamps={"decided_by": BY, "decided_at": NOW, "reason": COMMENT},
    ),
    Transition(
        "withdraw", _("Withdraw"), {ClaimState.SUBMITTED}, ClaimState.WITHDRAWN,
        lambda user, claim: perms.can_withdraw(user, claim),
    ),
    Transition(
        "redeem", _("Redeem"), {ClaimState.APPROVED}, ClaimState.REDEEMED,
        lambda user, claim: perms.can_redeem(user, claim), stamps={"redeemed_by": BY, "redeemed_at": NOW}, primary=True,
    ),
    Transition(
        "pay", _("Mark as paid"), {ClaimState.REDEEMED}, ClaimState.PAID, _may_manage,
        stamps={"paid_by": BY, "paid_at": NOW}, primary=True,
    ),
    Transition("expire", _("Expire"), {ClaimState.APPROVED}, ClaimState.EXPIRED, lambda user, claim: False, system=True),
])

PROVIDER = Workflow(Provider, "status", [
    Transition("verify", _("Verify"), {ProviderStatus.APPLIED}, ProviderStatus.VERIFIED, _may_manage, primary=True),
    Transition(
        "suspend", _("Suspend"), {ProviderStatus.VERIFIED}, ProviderStatus.SUSPENDED, _may_manage, needs_comment=True,
        comment_message=_("Give the reason for the suspension."), stamps={"status_reason": COMMENT},
    ),
    Transition("reinstate", _("Reinstate"), {ProviderStatus.SUSPENDED}, ProviderStatus.VERIFIED, _may_manage),
    Transition(
        "remove", _("Remove"), {ProviderStatus.APPLIED, ProviderStatus.VERIFIED, ProviderStatus.SUSPENDED},
        ProviderStatus.REMOVED, _may_manage, needs_comment=True, comment_message=_("Give the reason for the removal."),
        stamps={"status_reason": COMMENT},
    ),
])
