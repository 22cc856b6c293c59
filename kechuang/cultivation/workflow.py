"""The cultivation pipeline 遴选 → 入库 → 培育 → 认定 or 退出, declared once as data. Services, permissions,
pages and tests all read this table; nothing else decides which move is legal or who may make it."""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kechuang.core.choices import Role
from kechuang.cultivation.choices import Stage

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


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("enrol", _("Enrol"), (Stage.CANDIDATE,), Stage.ENROLLED, frozenset({Role.OFFICER})),
        # Entered by logging the first cultivation action, not by a button of its own.
        Transition("cultivate", _("Start cultivating"), (Stage.ENROLLED,), Stage.CULTIVATING, frozenset({Role.OFFICER})),
        Transition(
            "recognise", _("Record certificate"), (Stage.ENROLLED, Stage.CULTIVATING), Stage.RECOGNISED,
            frozenset({Role.OFFICER}),
        ),
        Transition("exit", _("Exit"), OPEN_STAGES, Stage.EXITED, frozenset({Role.OFFICER})),
    )
}

# Selecting a candidate, assigning the officer in charge and logging actions are open to the same roles
# as moving a card, but do not change the stage.
MANAGE_ROLES = frozenset({Role.OFFICER})


def transitions_from(stage: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if stage in t.sources]
