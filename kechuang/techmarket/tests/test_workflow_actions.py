"""Buttons and action views come from workflows.py: a page offers exactly the declared transitions the
user may take, and POSTing a name that is not declared, is a consequence of another step, or is not
open to the user is refused at every action endpoint and changes nothing."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kechuang.core.choices import Role
from kechuang.core.models import AuditEntry
from kechuang.techmarket import services
from kechuang.techmarket.choices import AchievementStatus, ChallengeStatus, ContractStatus, DemandStatus, MatchStage
from kechuang.techmarket.models import Achievement, Challenge, Demand, Match, Milestone, Proposal, TechContract
from kechuang.techmarket.workflows import ACHIEVEMENT, CHALLENGE, CONTRACT, DEMAND, MATCH, MILESTONE

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + dt.timedelta(days=20)


@pytest.fixture
def market(make_achievement, make_demand, officer, institution, application):
    challenge = services.launch_challenge(make_demand(title="污水处理能耗高"), officer, Decimal("200"), FUTURE)
    awarded = services.launch_challenge(make_demand(title="余热回收"), officer, Decimal("100"), FUTURE)
    proposal = services.submit_proposal(awarded, institution.users.get(), Proposal(
        institution=institution, title="方案", approach="余热梯级利用。", budget=Decimal("80"), months=12,
    ))
    services.choose_winner(awarded, proposal, officer)
    return {
        "achievement": make_achievement(),
        "demand": make_demand(),
        "challenge": challenge,
        "awarded": awarded,
        "milestone": services.add_milestone(awarded, officer, "样机", FUTURE, Decimal("40")),
        "applied": services.apply_contract(application(), officer),
        "match": services.recommend(make_demand(title="另一需求"), make_achievement(title="另一成果"), officer, 1.0, []),
    }


def _state(market) -> dict:
    """Every state and payment the market holds, and how many audit entries there are."""
    return {
        "achievements": dict(Achievement.objects.values_list("pk", "status")),
        "demands": dict(Demand.objects.values_list("pk", "status")),
        "challenges": dict(Challenge.objects.values_list("pk", "status")),
        "paid": [c.paid_amount for c in Challenge.objects.select_related("account").order_by("pk")],
        "milestones": dict(Milestone.objects.values_list("pk", "status")),
        "contracts": dict(TechContract.objects.values_list("pk", "status")),
        "matches": dict(Match.objects.values_list("pk", "stage")),
        "audit": AuditEntry.objects.count(),
    }


def _posts(market):
    """(url, data) for every action endpoint with a transition name it must refuse."""
    a, d, c, w, m, k = (market[key] for key in ("achievement", "demand", "challenge", "awarded", "milestone", "applied"))
    status = lambda name: {"transition": name}  # noqa: E731
    return [
        (reverse("techmarket:achievement-status", args=[a.pk]), status("delete")),
        (reverse("techmarket:achievement-status", args=[a.pk]), status("")),
        (reverse("techmarket:demand-status", args=[d.pk]), status("solve")),  # only as the award's consequence
        (reverse("techmarket:demand-status", args=[d.pk]), status("pose_challenge")),
        (reverse("techmarket:challenge-action", args=[c.pk, "complete"]), {}),  # only by paying out the support
        (reverse("techmarket:challenge-action", args=[c.pk, "reopen"]), {}),
        (reverse("techmarket:challenge-action", args=[w.pk, "close-unsolved"]), {}),  # awarded: not from there
        (reverse("techmarket:challenge-action", args=[w.pk, "pay"]), {"milestone": m.pk}),
        (reverse("techmarket:contract-action", args=[k.pk, "delete"]), {"comment": "x"}),
        (reverse("techmarket:contract-action", args=[k.pk, "cancel"]), {"comment": "x"}),  # not registered yet
        (reverse("techmarket:match", args=[market["match"].pk]), {"stage": MatchStage.CONTRACTED}),  # skips stages
    ]


def test_undeclared_or_impossible_transitions_are_refused_everywhere(client, officer, market):
    client.force_login(officer)
    before = _state(market)
    for url, data in _posts(market):
        response = client.post(url, data)
        assert response.status_code in (200, 302, 403), url
        assert _state(market) == before, (url, data)


def test_transitions_not_open_to_the_user_are_refused_and_change_nothing(client, make_user, market, institution):
    outsider = make_user(Role.ENTERPRISE)
    client.force_login(outsider)
    a, w, m, k = market["achievement"], market["awarded"], market["milestone"], market["applied"]
    before = _state(market)
    for url, data in [
        (reverse("techmarket:achievement-status", args=[a.pk]), {"transition": "withdraw"}),
        (reverse("techmarket:challenge-action", args=[market["challenge"].pk, "start-review"]), {}),
        (reverse("techmarket:challenge-action", args=[w.pk, "accept"]), {"milestone": m.pk}),
        (reverse("techmarket:contract-action", args=[k.pk, "register"]), {}),
    ]:
        assert client.post(url, data).status_code == 403, url
        assert _state(market) == before, url
    # the institution that owns an achievement may withdraw it, not another's
    client.force_login(institution.users.get())
    client.post(reverse("techmarket:achievement-status", args=[a.pk]), {"transition": "withdraw"})
    assert Achievement.objects.get(pk=a.pk).status == AchievementStatus.WITHDRAWN


def _offered(html: str) -> set[str]:
    return set(re.findall(r'name="transition" value="([\w-]+)"', html))


def test_pages_offer_exactly_the_available_declared_transitions(client, officer, market):
    client.force_login(officer)
    a, d, c, k = market["achievement"], market["demand"], market["challenge"], market["applied"]
    assert _offered(client.get(a.get_absolute_url()).content.decode()) == ACHIEVEMENT.names(officer, a) == {"withdraw", "redraft"}
    assert _offered(client.get(d.get_absolute_url()).content.decode()) == DEMAND.names(officer, d) == {"close"}
    assert _offered(client.get(c.get_absolute_url()).content.decode()) == {"start_review", "close_unsolved"}
    assert _offered(client.get(k.get_absolute_url()).content.decode()) == CONTRACT.names(officer, k) == {"register", "refuse"}
    page = client.get(market["awarded"].get_absolute_url()).content.decode()
    assert reverse("techmarket:challenge-action", args=[market["awarded"].pk, "accept"]) in page


def test_page_buttons_take_their_transitions(client, officer, market):
    client.force_login(officer)
    k, c, d = market["applied"], market["challenge"], market["demand"]
    client.post(reverse("techmarket:contract-action", args=[k.pk, "refuse"]), {"transition": "refuse", "comment": "非技术合同"})
    k.refresh_from_db()
    assert (k.status, k.refusal_reason) == (ContractStatus.REFUSED, "非技术合同")
    assert k.changes.filter(reason="非技术合同").exists()  # the contract's own history keeps the step
    client.post(reverse("techmarket:challenge-action", args=[c.pk, "start-review"]), {"transition": "start_review"})
    assert Challenge.objects.get(pk=c.pk).status == ChallengeStatus.REVIEWING
    client.post(reverse("techmarket:demand-status", args=[d.pk]), {"transition": "close"})
    assert Demand.objects.get(pk=d.pk).status == DemandStatus.CLOSED


def test_every_button_transition_has_an_action(market):
    from kechuang.techmarket.views import ChallengeActionView, _buttons

    assert set(ChallengeActionView().steps()) == _buttons(CHALLENGE, MILESTONE)
    assert _buttons(MATCH) == {MatchStage.CONTACTED, MatchStage.NEGOTIATING, MatchStage.CONTRACTED, MatchStage.CLOSED}


def test_challenge_page_lists_its_ledger_entries(client, officer, market):
    services.accept_milestone(market["milestone"], officer)
    [entry] = market["awarded"].ledger_entries()
    client.force_login(officer)
    page = client.get(market["awarded"].get_absolute_url()).content.decode()
    table = page[page.index('id="ledger"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr>") == 2  # the header and the one payment
    assert timezone.localtime(entry.at).strftime("%Y-%m-%d") in table and "40.00" in table and "样机" in table
