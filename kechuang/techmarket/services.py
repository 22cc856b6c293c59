"""Every write in the technology market. Views, the API, commands and the demo call these; each one
validates and writes in one transaction (the matching index is filled by the save itself,
kechuang.techmarket.matcher).

A refusal raises django.core.exceptions.ValidationError with a message in Chinese and writes nothing.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core import clock, ledger
from kechuang.core.audit import lock_chain, snapshot
from kechuang.core.workflow import move
from kechuang.techmarket.choices import (
    AchievementStatus,
    ChallengeStatus,
    ContractChangeKind,
    ContractStatus,
    MatchStage,
)
from kechuang.techmarket.models import (
    Achievement,
    Challenge,
    ContractChange,
    Demand,
    Match,
    Milestone,
    Proposal,
    Review,
    TechContract,
)
from kechuang.techmarket.workflows import ACHIEVEMENT, CHALLENGE, CONTRACT, DEMAND, MATCH, MILESTONE

# Fields a correction may change; status and number move only through register/refuse/cancel.
CORRECTABLE = (
    "name", "contract_type", "subtype", "buyer_name", "buyer_region", "buyer_abroad", "amount", "tech_amount",
    "signed_on", "late_reason",
)


def _today() -> dt.date:
    return clock.today()


def _require_text(value: str, message: str) -> None:
    if not (value or "").strip():
        raise ValidationError(message)


# ---------------------------------------------------------------------------------------- contracts


def registration_number(year: int, serial: int) -> str:
    """登记号 = the district code (KECHUANG_DISTRICT_CODE, 9 digits) + the registration year + a 5-digit
    serial within that year: 120116406 2022 00017 → 120116406202200017."""
    return f"{settings.KECHUANG_DISTRICT_CODE}{year}{serial:05d}"


def _next_serial(year: int) -> int:
    prefix = registration_number(year, 0)[:-5]
    numbers = TechContract.objects.filter(registration_number__startswith=prefix).values_list("registration_number", flat=True)
    return max((int(n[len(prefix):]) for n in numbers if n[len(prefix):].isdigit()), default=0) + 1


def _stored(instance) -> dict:
    """The row as the database holds it now, for the history's "before"."""
    return snapshot(type(instance)._base_manager.get(pk=instance.pk))


def _log(contract, kind, by, before=None, reason=""):
    contract.refresh_from_db()  # record the values as stored (decimals rounded to the column)
    ContractChange.objects.create(
        contract=contract, kind=kind, by=by, reason=reason, before=before or {}, after=snapshot(contract)
    )


def apply_contract(contract: TechContract, by) -> TechContract:
    """The seller's application: validated (sub-type, amounts, 30-day rule with its reason) and saved
    as 申请中."""
    contract.status = ContractStatus.APPLIED
    contract.registration_number, contract.registered_on = "", None
    contract.applied_on = contract.applied_on or _today()
    contract.full_clean()
    with transaction.atomic():
        contract.save()
        _log(contract, ContractChangeKind.APPLICATION, by)
    return contract


def register_contract(contract: TechContract, by, on: dt.date | None = None) -> TechContract:
    """Register an application and give it the next number of the registration year. Two registrars
    racing for the same serial: the unique constraint refuses the second, which takes the next one."""
    on = on or _today()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                number = registration_number(on.year, _next_serial(on.year))
                before = _stored(contract)
                move(CONTRACT, contract, "register", by, registration_number=number, registered_on=on)
                _log(contract, ContractChangeKind.REGISTRATION, by, before)
                return contract
        except IntegrityError:
            continue
    raise ValidationError(_("Could not assign a registration number; try again."))


def refuse_contract(contract: TechContract, by, reason: str) -> TechContract:
    with transaction.atomic():
        before = _stored(contract)
        move(CONTRACT, contract, "refuse", by, reason)
        _log(contract, ContractChangeKind.REFUSAL, by, before, reason)
    return contract


def correct_contract(contract: TechContract, by, changes: dict, reason: str) -> TechContract:
    """Correct an application or a registered contract (变更登记); the before/after values are kept."""
    _require_text(reason, _("Give the reason for the correction."))
    if contract.status not in (ContractStatus.APPLIED, ContractStatus.REGISTERED):
        raise ValidationError(_("Only an application or a registered contract can be corrected."))
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be corrected: %(fields)s") % {"fields": "、".join(sorted(unknown))})
    with transaction.atomic():
        stored = TechContract.objects.select_for_update().get(pk=contract.pk)
        before = snapshot(stored)
        for field, value in changes.items():
            setattr(stored, field, value)
        stored.full_clean()
        stored.save()
        _log(stored, ContractChangeKind.CORRECTION, by, before, reason)
    contract.refresh_from_db()
    return contract


def cancel_contract(contract: TechContract, by, reason: str) -> TechContract:
    """注销登记: the contract no longer counts towards turnover; its history stays."""
    with transaction.atomic():
        before = _stored(contract)
        move(CONTRACT, contract, "cancel", by, reason)
        _log(contract, ContractChangeKind.CANCELLATION, by, before, reason)
    return contract


# ------------------------------------------------------------------------------ achievements, demands


def save_achievement(achievement: Achievement, by, ip=None) -> Achievement:
    _require_text(achievement.summary, _("The summary may not be empty."))
    if achievement.status == AchievementStatus.PUBLISHED and not achievement.published_on:
        achievement.published_on = _today()
    if achievement.created_by_id is None:
        achievement.created_by = by
    achievement.full_clean()
    with transaction.atomic():
        achievement.save()
        if ip is not None:
            achievement.ip.set(ip)
    return achievement


def move_achievement(achievement: Achievement, transition_name: str, by) -> Achievement:
    """Publish, withdraw or return to draft (an officer curating, or the owner for its own), as
    workflows.ACHIEVEMENT declares; the matching index reads the status at query time."""
    changes = {"published_on": achievement.published_on or _today()} if transition_name == "publish" else {}
    return move(ACHIEVEMENT, achievement, transition_name, by, **changes)


def save_demand(demand: Demand, by) -> Demand:
    _require_text(demand.problem, _("The problem description may not be empty."))
    demand.posted_on = demand.posted_on or _today()
    if demand.created_by_id is None:
        demand.created_by = by
    demand.full_clean()
    with transaction.atomic():
        demand.save()
    return demand


def move_demand(demand: Demand, transition_name: str, by) -> Demand:
    """A declared demand transition (workflows.DEMAND); the matching index reads the status at query time."""
    with transaction.atomic():
        demand.refresh_from_db(fields=["status"])
        move(DEMAND, demand, transition_name, by)
    return demand


# ---------------------------------------------------------------------------------------- matches


def recommend(demand: Demand, achievement: Achievement, by, score: float, reasons: list[str]) -> Match:
    """Record a recommended pairing (once per pair; a second recommendation returns the first)."""
    match, _created = Match.objects.get_or_create(
        demand=demand, achievement=achievement, defaults={"score": score, "reasons": reasons}
    )
    return match


def move_match(match: Match, stage: str, by, contract: TechContract | None = None, note: str = "") -> Match:
    """Move a match to `stage` along workflows.MATCH (each transition is named after the stage it
    reaches); `contracted` needs the registered contract it led to."""
    if stage not in MATCH.transitions or match.stage not in MATCH.get(stage).sources:
        raise ValidationError(
            _("A match cannot move from “%(old)s” to “%(new)s”.")
            % {"old": MatchStage(match.stage).label, "new": MatchStage(stage).label if stage in MatchStage.values else stage}
        )
    if stage == MatchStage.CONTRACTED and (contract is None or contract.status != ContractStatus.REGISTERED):
        raise ValidationError(_("A contracted match must link to a registered technology contract."))
    values = {"contract": contract} if contract is not None else {}
    if note:
        values["note"] = note
    return move(MATCH, match, stage, by, **values)


# ------------------------------------------------------------------------------------- challenges


CHALLENGE_ACCOUNTS = "techmarket.challenge:"


def open_challenge_account(title: str, support_amount: Decimal, by=None) -> ledger.LedgerAccount:
    """A new challenge's ledger account, numbered in launch order (no row ids, so the same district
    built twice holds the same ledger). Two launches racing for one number: the challenge's one-to-one
    account refuses the second."""
    serial = ledger.LedgerAccount.objects.filter(code__startswith=CHALLENGE_ACCOUNTS).count() + 1
    return ledger.open_account(f"{CHALLENGE_ACCOUNTS}{serial:05d}", f"揭榜挂帅：{title}", support_amount, by)


def launch_challenge(demand: Demand, by, support_amount: Decimal, deadline: dt.date, title: str = "", reviewers=()) -> Challenge:
    """An officer poses an open demand as a challenge (揭榜挂帅) with government support; the support
    opens a ledger account its staged payments are drawn from."""
    if support_amount is None or support_amount <= 0:
        raise ValidationError(_("The support amount must be above zero."))
    if deadline <= _today():
        raise ValidationError(_("The deadline must lie in the future."))
    with transaction.atomic():
        move_demand(demand, "pose_challenge", by)
        title = title or demand.title
        challenge = Challenge.objects.create(
            demand=demand, title=title, support_amount=support_amount, deadline=deadline, created_by=by,
            created_on=_today(), account=open_challenge_account(title, support_amount, by),
        )
        challenge.reviewers.set(reviewers)
    return challenge


def set_support_amount(challenge: Challenge, support_amount: Decimal, by) -> Challenge:
    """Change the support: the ledger refuses a limit below what is already paid."""
    if support_amount is None or support_amount <= 0:
        raise ValidationError(_("The support amount must be above zero."))
    with transaction.atomic():
        lock_chain()  # before the challenge row, as every audited writer takes it
        stored = Challenge.objects.select_for_update().get(pk=challenge.pk)
        ledger.set_limit(stored.account, support_amount, by)
        stored.support_amount = ledger.to_money(support_amount)
        stored.save()
    challenge.refresh_from_db()
    return challenge


def submit_proposal(challenge: Challenge, by, proposal: Proposal) -> Proposal:
    """An institution or enterprise answers an open challenge before its deadline, once."""
    _require_text(proposal.approach, _("The technical approach may not be empty."))
    if challenge.status != ChallengeStatus.OPEN or challenge.deadline < _today():
        raise ValidationError(_("This challenge no longer accepts proposals."))
    proposal.challenge, proposal.submitted_by, proposal.submitted_on = challenge, by, _today()
    if Proposal.objects.filter(challenge=challenge).of_user(by).exists():
        raise ValidationError(_("Your organisation has already submitted a proposal to this challenge."))
    proposal.full_clean()
    proposal.save()
    return proposal


def start_review(challenge: Challenge, by) -> Challenge:
    return move(CHALLENGE, challenge, "start_review", by)


def score_proposal(proposal: Proposal, reviewer, score: int, comment: str = "") -> Review:
    challenge = proposal.challenge
    if challenge.status != ChallengeStatus.REVIEWING:
        raise ValidationError(_("Proposals are scored only while the challenge is under review."))
    if not challenge.reviewers.filter(pk=reviewer.pk).exists():
        raise ValidationError(_("Only members of the review panel may score proposals."))
    if not 0 <= score <= 100:
        raise ValidationError(_("A score lies between 0 and 100."))
    review, _created = Review.objects.get_or_create(proposal=proposal, reviewer=reviewer, defaults={"score": score, "comment": comment})
    if not _created:
        review.score, review.comment = score, comment
        review.save()
    return review


def choose_winner(challenge: Challenge, proposal: Proposal, by) -> Challenge:
    """Award the challenge and publish the result; the demand counts as solved."""
    if proposal.challenge_id != challenge.pk:
        raise ValidationError(_("That proposal belongs to another challenge."))
    with transaction.atomic():
        move(CHALLENGE, challenge, "award", by, winner=proposal)
        move_demand(challenge.demand, "solve", by)
    return challenge


def close_unsolved(challenge: Challenge, by) -> Challenge:
    """No winner: the challenge closes and its demand returns to the pool (status open)."""
    with transaction.atomic():
        move(CHALLENGE, challenge, "close_unsolved", by, where={"winner__isnull": True})
        move_demand(challenge.demand, "return_to_pool", by)
    return challenge


def close_overdue_challenges(today: dt.date | None = None) -> int:
    """Close every challenge whose deadline passed with no winner; returns how many."""
    closed = 0
    for challenge in Challenge.objects.overdue_unsolved(today or _today()):
        close_unsolved(challenge, None)
        closed += 1
    return closed


def add_milestone(challenge: Challenge, by, title: str, due_on: dt.date, amount: Decimal) -> Milestone:
    """Plan a stage of the winner's work; the planned payments together stay within the support."""
    _require_text(title, _("Name the milestone."))
    if challenge.status != ChallengeStatus.AWARDED:
        raise ValidationError(_("Milestones are planned once a winner has been chosen."))
    if amount is None or amount <= 0:
        raise ValidationError(_("A milestone payment must be above zero."))
    with transaction.atomic():
        lock_chain()  # before the challenge row, as every audited writer takes it
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        planned = sum((m.amount for m in locked.milestones.all()), Decimal("0"))
        if planned + amount > locked.support_amount:
            raise ValidationError(
                _("Planned payments would total %(total)s 万元, above the support amount of %(support)s 万元.")
                % {"total": planned + amount, "support": locked.support_amount}
            )
        return Milestone.objects.create(challenge=locked, title=title.strip(), due_on=due_on, amount=amount)


def milestone_references(challenge: Challenge) -> dict:
    """Each milestone's ledger reference: the challenge's account and the milestone's number in the
    order it was planned."""
    return {
        m.pk: f"{challenge.account.code}/{number}"
        for number, m in enumerate(challenge.milestones.order_by("pk"), start=1)
    }


def accept_milestone(milestone: Milestone, by) -> Milestone:
    """Accept a milestone and pay it from the challenge's ledger account, in one transaction: the
    milestone's conditional move lets one acceptance through, the ledger's conditional posting refuses
    a payment beyond the support (its check constraints stand behind it), and either both land or
    neither does. Paying out the whole support completes the challenge."""
    with transaction.atomic():
        challenge = Challenge.objects.select_related("account").get(pk=milestone.challenge_id)
        if challenge.status != ChallengeStatus.AWARDED:
            raise ValidationError(_("Payments are released only for an awarded challenge in progress."))
        move(MILESTONE, milestone, "accept", by)
        try:
            reference = milestone_references(challenge)[milestone.pk]
            ledger.pay(challenge.account, milestone.amount, reference, by, milestone.title)
        except ledger.LedgerRefused:
            raise ValidationError(
                _("Releasing %(amount)s 万元 would bring payments to %(total)s 万元, above the support amount of %(support)s 万元.")
                % {
                    "amount": milestone.amount,
                    "total": challenge.account.paid + milestone.amount,
                    "support": challenge.account.limit,
                }
            ) from None
        if challenge.account.paid == challenge.account.limit:
            move(CHALLENGE, challenge, "complete", by)
    return milestone
