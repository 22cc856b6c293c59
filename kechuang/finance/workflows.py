"""The pool entry's stages and the financing demand's follow-up, declared once (kechuang.core.workflow).

Stages are generated from their order: any later stage may be reached directly (a firm already joint-stock
skips 股改), an earlier one only with a reason, and leaving the pool needs a reason too."""
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import BY, COMMENT, Transition, Workflow
from kechuang.finance import permissions as perms
from kechuang.finance.choices import OPEN_DEMAND_STATES, STAGE_ORDER, DemandState, ListingStage


def _may_manage(user, obj) -> bool:
    return perms.can_manage_finance(user)


def forward_name(stage) -> str:
    return f"advance_{stage}"


def backward_name(stage) -> str:
    return f"return_{stage}"


def _stage_transitions():
    for i, stage in enumerate(STAGE_ORDER):
        earlier, later = STAGE_ORDER[:i], STAGE_ORDER[i + 1:]
        if earlier:
            yield Transition(forward_name(stage), format_lazy(_("Advance to {}"), stage.label), earlier, stage,
                             _may_manage, primary=True)
        yield Transition(
            backward_name(stage), format_lazy(_("Return to {}"), stage.label), [*later, ListingStage.EXITED], stage,
            _may_manage, needs_comment=True,
            comment_message=_("Moving a listing stage backward needs a reason."),
        )
    yield Transition("exit", _("Leave the pool"), STAGE_ORDER[:-1], ListingStage.EXITED, _may_manage, needs_comment=True,
                     comment_message=_("Give the reason the enterprise leaves the pool."))


STAGE = Workflow("finance.ListingEntry", "stage", list(_stage_transitions()))


DEMAND = Workflow("finance.FinancingDemand", "state", [
    Transition("recommend", _("Recommend"), {DemandState.POSTED}, DemandState.RECOMMENDED, _may_manage,
               stamps={"decided_by": BY}, primary=True, button=False),
    Transition("connect", _("Connected"), {DemandState.RECOMMENDED}, DemandState.CONNECTING, _may_manage, primary=True),
    Transition("diligence", _("Due diligence"), {DemandState.CONNECTING}, DemandState.DUE_DILIGENCE, _may_manage,
               primary=True),
    Transition("fund", _("Granted or invested"), {DemandState.DUE_DILIGENCE}, DemandState.FUNDED, _may_manage,
               stamps={"decided_by": BY}, button=False),
    Transition("terminate", _("Terminate"), set(OPEN_DEMAND_STATES), DemandState.TERMINATED,
               lambda user, demand: perms.can_withdraw_demand(user, demand), needs_comment=True,
               comment_message=_("Give the reason for terminating the follow-up."),
               stamps={"decided_by": BY, "closed_reason": COMMENT}),
])
