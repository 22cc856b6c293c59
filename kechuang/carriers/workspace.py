"""What the carriers ask of each role now: yearly returns to file or correct, returns to review."""
from django.utils.translation import gettext as _

from kechuang.carriers.choices import ReportState
from kechuang.carriers.permissions import can_manage_carriers
from kechuang.core.permissions import is_carrier_user
from kechuang.core.workspace import WorkItem, listed


def work_items(user) -> list[WorkItem | None]:
    if can_manage_carriers(user):
        return [listed(user, _("Carriers' yearly returns awaiting your review"), "carriers:reports", state=ReportState.SUBMITTED)]
    if is_carrier_user(user):
        return [listed(user, _("Yearly returns to file or correct"), "carriers:reports",
                       state=[ReportState.DRAFT, ReportState.RETURNED])]
    return []
