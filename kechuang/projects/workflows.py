"""The states of calls, applications, projects, progress reports and changes, declared once
(kechuang.core.workflow). Transitions that a service takes as the consequence of something else (the
decision, a check's result) are `button=False`: no page offers them on their own."""
from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import BY, COMMENT, TODAY, Transition, Workflow
from kechuang.projects import permissions as perms
from kechuang.projects.choices import ApplicationState as A
from kechuang.projects.choices import CallState as C
from kechuang.projects.choices import ChangeState as CH
from kechuang.projects.choices import ProjectState as P
from kechuang.projects.choices import ReportState as R


def _report_holder(user, report) -> bool:
    return perms.holds(user, report.project)


def _holder_of_application(user, application) -> bool:
    return perms.can_edit_application(user, application)


def _notify_holder(obj, transition, user):
    owner = getattr(obj, "project", obj)
    return owner.enterprise.members.all() if owner.enterprise_id else owner.institution.users.all()


CALL = Workflow("projects.Call", "state", [
    Transition("publish", _("Publish"), {C.DRAFT}, C.OPEN, perms.can_manage, primary=True),
    Transition("close", _("Close and start review"), {C.OPEN}, C.REVIEW, perms.can_manage),
    Transition("publicise", _("Publish the public notice"), {C.REVIEW}, C.PUBLICITY, perms.can_manage, button=False),
    Transition("conclude", _("Conclude the public notice"), {C.PUBLICITY}, C.DECIDED, perms.can_manage, button=False),
])

APPLICATION = Workflow("projects.Application", "state", [
    Transition("submit", _("Submit"), {A.DRAFT, A.RETURNED}, A.SUBMITTED, _holder_of_application, primary=True,
               stamps={"submitted_on": TODAY}, button=False),
    Transition("withdraw", _("Withdraw"), {A.DRAFT, A.RETURNED}, A.WITHDRAWN, _holder_of_application),
    Transition("complete", _("Formally complete"), {A.SUBMITTED}, A.COMPLETE, perms.can_manage, primary=True,
               stamps={"formal_reason": COMMENT}, notify=_notify_holder, notice=_("%(object)s passed the formal review.")),
    Transition("return", _("Return for correction"), {A.SUBMITTED}, A.RETURNED, perms.can_manage, needs_comment=True,
               comment_message=_("Say what must be corrected."), stamps={"formal_reason": COMMENT}, button=False,
               notify=_notify_holder, notice=_("%(object)s was returned for correction: %(comment)s")),
    Transition("reject", _("Reject at formal review"), {A.SUBMITTED}, A.REJECTED, perms.can_manage, needs_comment=True,
               comment_message=_("Give the reason for rejecting the application."), stamps={"formal_reason": COMMENT},
               notify=_notify_holder, notice=_("%(object)s was rejected at formal review: %(comment)s")),
    Transition("approve", _("Approve (立项)"), {A.COMPLETE}, A.APPROVED, perms.can_manage, button=False,
               notify=_notify_holder, notice=_("%(object)s was approved.")),
    Transition("decline", _("Not approved"), {A.COMPLETE}, A.NOT_APPROVED, perms.can_manage, needs_comment=True,
               comment_message=_("Give the reason for not approving the application."),
               stamps={"decision_reason": COMMENT}, button=False, notify=_notify_holder,
               notice=_("%(object)s was not approved: %(comment)s")),
])

PROJECT = Workflow("projects.Project", "state", [
    Transition("sign", _("Sign the contract"), {P.CONTRACTING}, P.UNDERWAY, perms.can_manage, stamps={"signed_on": TODAY},
               button=False),
    Transition("pass", _("Acceptance: passed"), {P.UNDERWAY}, P.PASSED, perms.can_manage, button=False),
    Transition("conclude", _("Acceptance: concluded"), {P.UNDERWAY}, P.CONCLUDED, perms.can_manage, button=False),
    Transition("fail", _("Acceptance: failed"), {P.UNDERWAY}, P.FAILED, perms.can_manage, button=False),
    Transition("terminate", _("Terminate"), {P.CONTRACTING, P.UNDERWAY}, P.TERMINATED, perms.can_manage,
               needs_comment=True, comment_message=_("Give the reason for terminating the project."),
               stamps={"closing_opinion": COMMENT, "closed_on": TODAY}, button=False, notify=_notify_holder,
               notice=_("%(object)s was terminated: %(comment)s")),
])

REPORT = Workflow("projects.ProgressReport", "state", [
    Transition("submit", _("Submit the report"), {R.DRAFT, R.RETURNED}, R.SUBMITTED, _report_holder, primary=True,
               stamps={"submitted_on": TODAY}, button=False),
    Transition("accept", _("Accept the report"), {R.SUBMITTED}, R.ACCEPTED, perms.can_manage, primary=True,
               stamps={"reviewed_by": BY, "review_comment": COMMENT}, notify=_notify_holder,
               notice=_("The progress report %(object)s was accepted.")),
    Transition("return", _("Return the report"), {R.SUBMITTED}, R.RETURNED, perms.can_manage, needs_comment=True,
               comment_message=_("Say what the report lacks."), stamps={"reviewed_by": BY, "review_comment": COMMENT},
               notify=_notify_holder, notice=_("The progress report %(object)s was returned: %(comment)s")),
])

CHANGE = Workflow("projects.ProjectChange", "state", [
    Transition("approve", _("Approve the change"), {CH.REQUESTED}, CH.APPROVED, perms.can_manage, primary=True,
               stamps={"decided_by": BY, "decision_comment": COMMENT}, button=False, notify=_notify_holder,
               notice=_("The change %(object)s was approved.")),
    Transition("reject", _("Reject the change"), {CH.REQUESTED}, CH.REJECTED, perms.can_manage, needs_comment=True,
               comment_message=_("Give the reason for rejecting the change."),
               stamps={"decided_by": BY, "decision_comment": COMMENT}, notify=_notify_holder,
               notice=_("The change %(object)s was rejected: %(comment)s")),
])
