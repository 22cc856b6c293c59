"""Every state machine of the technology market, declared once on kechuang.core.workflow: who may take
each transition, from which states, and what it records. services.py takes them through move(); the
pages draw their buttons and the action views accept a POST only for a transition declared here and
available to the user."""
from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import BY, COMMENT, NOW, TODAY, Transition, Workflow
from kechuang.techmarket import permissions as perms
from kechuang.techmarket.choices import (
    AchievementStatus,
    ChallengeStatus,
    ContractStatus,
    DemandStatus,
    MatchStage,
    MilestoneStatus,
)


def _registrar(user, obj) -> bool:
    return perms.can_register_contract(user)


def _matcher(user, obj) -> bool:
    return perms.can_match(user)


def _challenge_officer(user, obj) -> bool:
    return perms.can_manage_challenge(user)


CONTRACT = Workflow("techmarket.TechContract", "status", [
    Transition("register", _("Register and assign a number"), {ContractStatus.APPLIED}, ContractStatus.REGISTERED,
               _registrar, primary=True),
    Transition("refuse", _("Refuse registration"), {ContractStatus.APPLIED}, ContractStatus.REFUSED, _registrar,
               needs_comment=True, comment_message=_("Give the reason for refusing registration."),
               stamps={"refusal_reason": COMMENT}),
    Transition("cancel", _("Cancel the registration"), {ContractStatus.REGISTERED}, ContractStatus.CANCELLED, _registrar,
               needs_comment=True, comment_message=_("Give the reason for the cancellation.")),
])

ACHIEVEMENT = Workflow("techmarket.Achievement", "status", [
    Transition("publish", _("Publish"), {AchievementStatus.DRAFT, AchievementStatus.WITHDRAWN}, AchievementStatus.PUBLISHED,
               perms.can_edit_achievement, primary=True),
    Transition("withdraw", _("Withdraw"), {AchievementStatus.PUBLISHED}, AchievementStatus.WITHDRAWN,
               perms.can_edit_achievement),
    Transition("redraft", _("Return to draft"), {AchievementStatus.PUBLISHED, AchievementStatus.WITHDRAWN},
               AchievementStatus.DRAFT, perms.can_edit_achievement),
])

# A demand changes state as its challenge does: posed as a challenge, solved by the award, back in the
# pool when the challenge closes unsolved (also by the nightly command); its owner may close it.
DEMAND = Workflow("techmarket.Demand", "status", [
    Transition("pose_challenge", _("Pose as an open challenge"), {DemandStatus.OPEN}, DemandStatus.CHALLENGE,
               _challenge_officer, button=False),
    Transition("solve", _("Solved by the challenge"), {DemandStatus.CHALLENGE}, DemandStatus.SOLVED, _challenge_officer,
               button=False),
    Transition("return_to_pool", _("Return to the pool"), {DemandStatus.CHALLENGE}, DemandStatus.OPEN, _challenge_officer,
               system=True, button=False),
    Transition("close", _("Close the demand"), {DemandStatus.OPEN}, DemandStatus.CLOSED, perms.can_edit_demand),
])

# A match moves forward one stage at a time, or closes; each transition is named after the stage it
# reaches. `contracted` further needs a registered contract (services.move_match).
_FOLLOWED_UP = {"stage_changed_at": NOW}
MATCH = Workflow("techmarket.Match", "stage", [
    Transition(MatchStage.CONTACTED.value, MatchStage.CONTACTED.label, {MatchStage.RECOMMENDED}, MatchStage.CONTACTED,
               _matcher, stamps=_FOLLOWED_UP),
    Transition(MatchStage.NEGOTIATING.value, MatchStage.NEGOTIATING.label, {MatchStage.CONTACTED}, MatchStage.NEGOTIATING,
               _matcher, stamps=_FOLLOWED_UP),
    Transition(MatchStage.CONTRACTED.value, MatchStage.CONTRACTED.label, {MatchStage.NEGOTIATING}, MatchStage.CONTRACTED,
               _matcher, stamps=_FOLLOWED_UP),
    Transition(MatchStage.CLOSED.value, MatchStage.CLOSED.label,
               {MatchStage.RECOMMENDED, MatchStage.CONTACTED, MatchStage.NEGOTIATING}, MatchStage.CLOSED,
               _matcher, stamps=_FOLLOWED_UP),
])

_DECIDED = {"result_published_on": TODAY}
CHALLENGE = Workflow("techmarket.Challenge", "status", [
    Transition("start_review", _("Close applications and start the review"), {ChallengeStatus.OPEN},
               ChallengeStatus.REVIEWING, _challenge_officer),
    # taken on a proposal's row: the winning proposal is written with it
    Transition("award", _("Choose as winner"), {ChallengeStatus.OPEN, ChallengeStatus.REVIEWING}, ChallengeStatus.AWARDED,
               _challenge_officer, stamps=_DECIDED, primary=True),
    Transition("close_unsolved", _("Close unsolved (return the demand to the pool)"),
               {ChallengeStatus.OPEN, ChallengeStatus.REVIEWING}, ChallengeStatus.UNSOLVED, _challenge_officer,
               stamps=_DECIDED, system=True),
    # taken by accepting the milestone that pays out the whole support, never by a button of its own
    Transition("complete", _("Complete"), {ChallengeStatus.AWARDED}, ChallengeStatus.COMPLETED, _challenge_officer,
               button=False),
])

MILESTONE = Workflow("techmarket.Milestone", "status", [
    Transition("accept", _("Accept and release payment"), {MilestoneStatus.PLANNED}, MilestoneStatus.ACCEPTED,
               _challenge_officer, stamps={"accepted_on": TODAY, "accepted_by": BY}, primary=True),
])
