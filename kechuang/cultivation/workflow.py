"""The cultivation pipeline 遴选 → 入库 → 培育 → 认定 or 退出, declared once as data on the core workflow
block. Services, permissions, pages and tests all read this declaration; nothing else decides which
move is legal or who may make it."""
from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import COMMENT, Transition, Workflow
from kechuang.cultivation.choices import Stage
from kechuang.cultivation.permissions import can_manage

OPEN_STAGES = (Stage.CANDIDATE, Stage.ENROLLED, Stage.CULTIVATING)
CLOSED_STAGES = (Stage.RECOGNISED, Stage.EXITED)

# The column on Enrollment that records the day each stage was entered.
STAGE_DATE_FIELD = {
    Stage.CANDIDATE: "candidate_on",
    Stage.ENROLLED: "enrolled_on",
    Stage.CULTIVATING: "cultivating_on",
    Stage.RECOGNISED: "recognised_on",
    Stage.EXITED: "exited_on",
}


def _officer(user, enrollment) -> bool:
    return can_manage(user)


ENROLLMENT = Workflow("cultivation.Enrollment", "stage", [
    Transition("enrol", _("Enrol"), {Stage.CANDIDATE}, Stage.ENROLLED, _officer, primary=True),
    # Entered by logging the first cultivation action, not by a button of its own.
    Transition("cultivate", _("Start cultivating"), {Stage.ENROLLED}, Stage.CULTIVATING, _officer, button=False),
    # Certificate auto-detection takes it for the platform (services.detect_recognitions).
    Transition("recognise", _("Record certificate"), {Stage.ENROLLED, Stage.CULTIVATING}, Stage.RECOGNISED, _officer, system=True),
    Transition("exit", _("Exit"), OPEN_STAGES, Stage.EXITED, _officer, needs_comment=True,
               comment_message=_("Give the reason for leaving the pipeline."), stamps={"exit_reason": COMMENT}),
])
