"""The progress-report workflow, declared once: which transitions exist, from which states, to which
state, who may take them, whether a comment is required and what each records. services.move() takes
them for pages, API and commands alike through kechuang.core.workflow."""
from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import BY, COMMENT, NOW, Transition, Workflow
from kechuang.plan.choices import ReportState
from kechuang.plan.permissions import can_resubmit, can_review

REVIEWED = {"reviewed_by": BY, "reviewed_at": NOW, "review_comment": COMMENT}

REPORT = Workflow("plan.ProgressReport", "state", [
    Transition("accept", _("Accept"), {ReportState.SUBMITTED}, ReportState.ACCEPTED, can_review, stamps=REVIEWED, primary=True),
    Transition(
        "return", _("Return for revision"), {ReportState.SUBMITTED}, ReportState.RETURNED, can_review, needs_comment=True,
        comment_message=_("Say what needs to be revised."), stamps=REVIEWED,
    ),
    # Resubmitting is writing the report again (the task page's form); it keeps the review comment.
    Transition(
        "resubmit", _("Resubmit"), {ReportState.RETURNED}, ReportState.SUBMITTED, can_resubmit,
        stamps={"submitted_by": BY, "submitted_at": NOW}, primary=True,
    ),
])
