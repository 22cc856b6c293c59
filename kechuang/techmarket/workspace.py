"""What the technology market asks of each role now: contracts to register, challenges to answer,
recommended matches to take up."""
from django.utils.translation import gettext as _

from kechuang.core.permissions import is_bureau_officer, is_enterprise_user, is_institution_user
from kechuang.core.workspace import WorkItem, listed
from kechuang.techmarket.choices import ContractStatus, MatchStage


def work_items(user) -> list[WorkItem | None]:
    if is_bureau_officer(user):
        return [listed(user, _("Technology contracts awaiting registration"), "techmarket:contracts", status=ContractStatus.APPLIED)]
    if is_institution_user(user) or is_enterprise_user(user):
        return [
            listed(user, _("Open challenges you have not answered"), "techmarket:challenges", unanswered="true"),
            listed(user, _("Recommended matches to take up"), "techmarket:matches", stage=MatchStage.RECOMMENDED),
        ]
    return []
