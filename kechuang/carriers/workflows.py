"""The yearly 火炬统计 return, declared once (kechuang.core.workflow): the carrier submits, the bureau
accepts it or returns it with a reason, and a returned report is corrected and submitted again."""
from django.utils.translation import gettext_lazy as _

from kechuang.carriers import permissions as perms
from kechuang.carriers.choices import ReportState
from kechuang.core.workflow import BY, COMMENT, NOW, Transition, Workflow


def _members(report, transition, user):
    return report.carrier.members.all()


REPORT = Workflow("carriers.CarrierReport", "state", [
    Transition("submit", _("Submit"), {ReportState.DRAFT, ReportState.RETURNED}, ReportState.SUBMITTED,
               perms.can_submit_report, stamps={"submitted_at": NOW}, primary=True, button=False),
    Transition("accept", _("Accept"), {ReportState.SUBMITTED}, ReportState.ACCEPTED, perms.can_review_report,
               stamps={"reviewed_by": BY}, primary=True, notify=_members, notice=_("Yearly report accepted: %(object)s")),
    Transition("return", _("Return for correction"), {ReportState.SUBMITTED}, ReportState.RETURNED,
               perms.can_review_report, needs_comment=True, comment_message=_("Say what must be corrected."),
               stamps={"reviewed_by": BY, "comment": COMMENT}, notify=_members,
               notice=_("Yearly report returned for correction: %(object)s")),
])
