"""What innovation finance asks of each role now: financing demands to follow up."""
from django.utils.translation import gettext as _

from kechuang.core.permissions import is_enterprise_user
from kechuang.core.workspace import WorkItem, listed
from kechuang.finance.choices import DemandState
from kechuang.finance.permissions import can_manage_finance


def work_items(user) -> list[WorkItem | None]:
    if can_manage_finance(user):
        return [listed(user, _("Financing demands waiting for a recommendation"), "finance:demands", state=DemandState.POSTED)]
    if is_enterprise_user(user):
        return [listed(user, _("Financing offers recommended to you"), "finance:demands", state=DemandState.RECOMMENDED)]
    return []
