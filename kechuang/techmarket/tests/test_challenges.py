import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kechuang.core.choices import Role
from kechuang.core.ledger import EntryKind, LedgerAccount, verify_balances
from kechuang.techmarket import services
from kechuang.techmarket.choices import ChallengeStatus, DemandStatus, MilestoneStatus
from kechuang.techmarket.models import Milestone, Proposal

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def challenge(make_demand, officer, make_user):
    reviewer = make_user(Role.OFFICER)
    return services.launch_challenge(make_demand(), officer, Decimal("100"), FUTURE, reviewers=[reviewer])


def _propose(challenge, user, institution=None, enterprise=None, approach="采用相变储能与智能控制降低能耗。"):
    return services.submit_proposal(
        challenge, user,
        Proposal(institution=institution, enterprise=enterprise, title="方案", approach=approach, budget=Decimal("80"), months=12),
    )


def test_launch_takes_the_demand_out_of_the_open_pool(challenge):
    assert challenge.demand.status == DemandStatus.CHALLENGE
    assert challenge.status == ChallengeStatus.OPEN


def test_proposals_stay_private_until_the_result_is_published(challenge, institution, make_enterprise, make_user, officer):
    inst_user = institution.users.get()
    company = make_enterprise()
    company_user = make_user(Role.ENTERPRISE)
    company.members.add(company_user)
    mine = _propose(challenge, inst_user, institution=institution)
    theirs = _propose(challenge, company_user, enterprise=company)
    reviewer = challenge.reviewers.get()
    assert list(Proposal.objects.visible_to(inst_user)) == [mine]
    assert list(Proposal.objects.visible_to(company_user)) == [theirs]
    assert set(Proposal.objects.visible_to(reviewer)) == {mine, theirs}
    assert not Proposal.objects.visible_to(make_user(Role.INSTITUTION)).exists()

    services.start_review(challenge, officer)
    services.score_proposal(mine, reviewer, 88, "思路清晰")
    with pytest.raises(ValidationError):
        services.score_proposal(theirs, officer, 90)  # not on the panel
    services.choose_winner(challenge, mine, officer)
    assert set(Proposal.objects.visible_to(company_user)) == {mine, theirs}
    assert challenge.demand.status == DemandStatus.SOLVED


def test_empty_approach_and_second_proposal_are_refused(challenge, institution):
    user = institution.users.get()
    with pytest.raises(ValidationError):
        _propose(challenge, user, institution=institution, approach=" ")
    _propose(challenge, user, institution=institution)
    with pytest.raises(ValidationError):
        _propose(challenge, user, institution=institution)
    assert challenge.proposals.count() == 1


def test_unsolved_challenge_returns_the_demand_to_the_pool(challenge):
    assert services.close_overdue_challenges(today=FUTURE) == 0  # deadline day itself still counts
    assert services.close_overdue_challenges(today=FUTURE + dt.timedelta(days=1)) == 1
    challenge.refresh_from_db()
    challenge.demand.refresh_from_db()
    assert challenge.status == ChallengeStatus.UNSOLVED and challenge.demand.status == DemandStatus.OPEN


@pytest.fixture
def awarded(challenge, institution, officer):
    proposal = _propose(challenge, institution.users.get(), institution=institution)
    return services.choose_winner(challenge, proposal, officer)


def test_payments_follow_accepted_milestones_and_stay_within_support(awarded, officer):
    first = services.add_milestone(awarded, officer, "样机完成", FUTURE, Decimal("40"))
    second = services.add_milestone(awarded, officer, "中试验证", FUTURE, Decimal("60"))
    with pytest.raises(ValidationError) as error:
        services.add_milestone(awarded, officer, "推广应用", FUTURE, Decimal("0.01"))
    assert "100" in str(error.value)
    services.accept_milestone(first, officer)
    awarded.refresh_from_db()
    assert awarded.paid_amount == Decimal("40") and awarded.status == ChallengeStatus.AWARDED
    with pytest.raises(ValidationError):
        services.accept_milestone(first, officer)  # paid once only
    services.accept_milestone(second, officer)
    awarded.refresh_from_db()
    assert awarded.paid_amount == Decimal("100") and awarded.status == ChallengeStatus.COMPLETED


def test_payment_beyond_support_is_refused_and_nothing_written(awarded, officer):
    # A milestone planned before the support amount was cut (written directly, as the plan allowed then).
    big = Milestone.objects.create(challenge=awarded, title="全部交付", due_on=FUTURE, amount=Decimal("100"))
    services.set_support_amount(awarded, Decimal("90"), officer)
    with pytest.raises(ValidationError) as error:
        services.accept_milestone(big, officer)
    assert "90" in str(error.value)
    big.refresh_from_db()
    awarded.refresh_from_db()
    assert big.status == MilestoneStatus.PLANNED and awarded.paid_amount == 0
    assert not awarded.account.entries.exists()


def test_support_cannot_be_cut_below_what_is_paid(awarded, officer):
    services.accept_milestone(services.add_milestone(awarded, officer, "样机完成", FUTURE, Decimal("40")), officer)
    with pytest.raises(ValidationError) as error:
        services.set_support_amount(awarded, Decimal("39.99"), officer)
    assert "40" in str(error.value)
    awarded.refresh_from_db()
    assert awarded.support_amount == awarded.account.limit == Decimal("100")
    services.set_support_amount(awarded, Decimal("40"), officer)
    awarded.refresh_from_db()
    assert awarded.support_amount == awarded.account.limit == Decimal("40")


def test_payments_are_ledger_entries_naming_their_milestone(awarded, officer):
    first = services.add_milestone(awarded, officer, "样机完成", FUTURE, Decimal("40"))
    services.accept_milestone(first, officer)
    [entry] = awarded.ledger_entries()
    assert (entry.kind, entry.amount, entry.reference) == (EntryKind.PAY, Decimal("40"), f"{awarded.account.code}/1")
    assert awarded.account.limit == awarded.support_amount and not verify_balances([awarded.account])


def test_database_refuses_paid_above_support(awarded):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=awarded.account_id).update(paid=Decimal("100.01"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers on the whole file; row locks need PostgreSQL")
def test_concurrent_acceptances_never_pay_beyond_support(make_demand, make_user, institution):
    officer = make_user(Role.OFFICER)
    challenge = services.launch_challenge(make_demand(), officer, Decimal("100"), FUTURE)
    proposal = _propose(challenge, institution.users.get(), institution=institution)
    services.choose_winner(challenge, proposal, officer)
    # Six milestones of 30 万元 against 100 万元 of support (planned before a cut, written directly),
    # plus the same milestone accepted twice at once.
    milestones = [Milestone.objects.create(challenge=challenge, title=f"阶段{i}", due_on=FUTURE, amount=Decimal("30")) for i in range(6)]
    targets = milestones + milestones[:2]
    barrier = threading.Barrier(len(targets))
    outcomes = []

    def accept(milestone):
        try:
            barrier.wait()
            services.accept_milestone(milestone, officer)
            outcomes.append("paid")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(m,)) for m in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    challenge.refresh_from_db()
    assert outcomes.count("paid") == 3 and outcomes.count("refused") == len(targets) - 3
    assert challenge.paid_amount == Decimal("90")
    assert challenge.account.entries.count() == 3 and not verify_balances([challenge.account])
    assert Milestone.objects.filter(challenge=challenge, status=MilestoneStatus.ACCEPTED).count() == 3


def test_close_challenges_command_returns_overdue_demands(challenge):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("close_challenges", "--as-of", (FUTURE + dt.timedelta(days=1)).isoformat(), stdout=out)
    call_command("close_challenges", "--as-of", (FUTURE + dt.timedelta(days=1)).isoformat(), stdout=out)
    assert "已关闭 1 个" in out.getvalue() and "已关闭 0 个" in out.getvalue()
    challenge.demand.refresh_from_db()
    assert challenge.demand.status == DemandStatus.OPEN
