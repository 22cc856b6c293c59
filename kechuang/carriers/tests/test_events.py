import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.carriers import services
from kechuang.carriers.choices import EventKind, EventState
from kechuang.carriers.models import Event, Score
from kechuang.core.choices import Role
from kechuang.core.scoring import Criterion
from kechuang.registry.models import CompetitionPrize

CRITERIA = [Criterion("tech", "技术创新性", Decimal(60), Decimal(10)), Criterion("market", "市场前景", Decimal(40), Decimal(10))]


@pytest.fixture
def event(db, carrier):
    event = Event.objects.create(code="star-2024", name="生态城创新之星大赛2024", kind=EventKind.COMPETITION, organiser=carrier,
                                 starts=dt.date(2024, 6, 1), ends=dt.date(2024, 9, 30), tracks=["企业组", "团队组"],
                                 prize_level="provincial")
    return event


@pytest.fixture
def judges(make_user):
    return [make_user(Role.EXPERT, f"judge{i}", organisation=f"评审单位{i}") for i in range(5)]


def _setup(event, judges, firms, rounds=1, advance=None):
    made = [services.add_round(event, n, name, CRITERIA, advance=advance) for n, name in zip(range(1, rounds + 1), ("初赛", "复赛", "决赛"))]
    for round_ in made:
        for judge in judges:
            services.add_judge(round_, judge)
    entries = [services.register_entry(event, f"项目{i}", track="企业组", enterprise=firm) for i, firm in enumerate(firms)]
    return made, entries


def test_registration_checks_track_and_entrant(event):
    with pytest.raises(ValidationError):
        services.register_entry(event, "无名项目", track="企业组")
    with pytest.raises(ValidationError):
        services.register_entry(event, "项目", track="青年组", team_name="星火团队")
    entry = services.register_entry(event, "项目", track="团队组", team_name="星火团队")
    assert entry.entrant == "星火团队"


def test_a_score_outside_its_range_is_refused_and_nothing_written(event, judges, make_enterprise, operator_user):
    (round_,), (entry,) = _setup(event, judges, [make_enterprise("甲公司")])
    services.open_judging(event, operator_user)
    with pytest.raises(ValidationError) as error:
        services.submit_score(round_, entry, judges[0], {"tech": "11", "market": "5"})
    assert "技术创新性" in error.value.messages[0] or "tech" in error.value.messages[0].lower() or "“" in error.value.messages[0]
    assert not Score.objects.exists()


def test_an_excluded_judge_cannot_score(event, judges, make_enterprise, operator_user):
    firm = make_enterprise("评审单位0")  # judge0 works there
    other = make_enterprise("乙公司")
    (round_,), (own, foreign) = _setup(event, judges, [firm, other])
    round_.judges.filter(user=judges[1]).update(declared=[other.uscc])
    services.open_judging(event, operator_user)
    with pytest.raises(ValidationError):
        services.submit_score(round_, own, judges[0], {"tech": 8, "market": 8})
    with pytest.raises(ValidationError):
        services.submit_score(round_, foreign, judges[1], {"tech": 8, "market": 8})
    assert not Score.objects.exists()
    services.submit_score(round_, foreign, judges[0], {"tech": 8, "market": 8})
    assert Score.objects.count() == 1


def test_a_judge_off_the_panel_is_refused(event, judges, make_enterprise, make_user, operator_user):
    (round_,), (entry,) = _setup(event, judges, [make_enterprise("甲公司")])
    services.open_judging(event, operator_user)
    with pytest.raises(PermissionDenied):
        services.submit_score(round_, entry, make_user(Role.EXPERT, "outsider"), {"tech": 8, "market": 8})


def test_rounds_advance_and_final_uses_trimmed_mean_then_awards_become_prizes(event, judges, make_enterprise, operator_user):
    firms = [make_enterprise(f"参赛企业{i}") for i in range(3)]
    (first, final), entries = _setup(event, judges, firms, rounds=2, advance=2)
    services.open_judging(event, operator_user)
    for i, entry in enumerate(entries):
        for judge in judges:
            services.submit_score(first, entry, judge, {"tech": 9 - i, "market": 9 - i})
    services.close_round(first, operator_user)
    reached = {e.title: e.reached for e in event.entries.all()}
    assert reached == {"项目0": 2, "项目1": 2, "项目2": 1}
    with pytest.raises(ValidationError):
        services.submit_score(final, entries[2], judges[0], {"tech": 5, "market": 5})
    # Five judges: the highest and lowest totals are dropped.
    for judge, tech in zip(judges, (10, 6, 7, 8, 2)):
        services.submit_score(final, entries[0], judge, {"tech": tech, "market": tech})
        services.submit_score(final, entries[1], judge, {"tech": 7, "market": 7})
    ranked = services.close_round(final, operator_user)
    top = ranked[0]
    assert top[2].method == "trimmed_mean" and top[2].value == Decimal("70.00")
    assert [(p, e.title) for p, e, _ in ranked] == [(1, "项目0"), (1, "项目1")]
    services.publish(event, {entries[0].pk: "first", entries[1].pk: "second"}, operator_user)
    event.refresh_from_db()
    assert event.state == EventState.PUBLISHED
    prizes = CompetitionPrize.objects.order_by("award")
    assert [(p.enterprise.name, p.award, p.level, p.year) for p in prizes] == [
        ("参赛企业0", "first", "provincial", 2024), ("参赛企业1", "second", "provincial", 2024)]


def test_a_team_award_becomes_a_prize_when_the_team_registers(event, judges, make_enterprise, operator_user):
    services.add_round(event, 1, "决赛", CRITERIA)
    entry = services.register_entry(event, "团队项目", track="团队组", team_name="星火团队")
    services.open_judging(event, operator_user)
    services.close_round(event.rounds.get(), operator_user)
    services.publish(event, {entry.pk: "third"}, operator_user)
    assert not CompetitionPrize.objects.exists()
    firm = make_enterprise("星火科技")
    services.link_entry(entry, firm, operator_user)
    assert CompetitionPrize.objects.get().enterprise == firm


def test_only_the_organiser_runs_an_event(event, make_user):
    with pytest.raises(PermissionDenied):
        services.open_judging(event, make_user(Role.CARRIER, "other-op"))


def test_an_event_set_up_on_its_pages(client, operator_user, carrier, judges, make_enterprise):
    client.force_login(operator_user)
    response = client.post("/carriers/events/new/", {"code": "dd-1", "name": "Demo Day 第一期", "kind": "demo_day",
                                                     "starts": "2024-05-10", "ends": "2024-05-01"})
    assert response.status_code == 200 and not Event.objects.filter(code="dd-1").exists()   # ends before it starts
    client.post("/carriers/events/new/", {"code": "dd-1", "name": "Demo Day 第一期", "kind": "demo_day",
                                          "starts": "2024-05-10", "ends": "2024-05-10", "tracks": "硬科技、医疗"})
    event = Event.objects.get(code="dd-1")
    assert event.organiser == carrier and event.tracks == ["硬科技", "医疗"]
    client.post("/carriers/events/dd-1/", {"action": "round", "name": "决赛", "criteria": "技术, 60, 10\n市场, 40, 10"})
    bad = client.post("/carriers/events/dd-1/", {"action": "round", "name": "复赛", "criteria": "技术, 0, 10"})
    assert bad.status_code == 200 and event.rounds.count() == 1
    round_ = event.rounds.get()
    assert [c["weight"] for c in round_.criteria] == ["60", "40"]
    client.post("/carriers/events/dd-1/", {"action": "judge", "round": round_.pk, "user": judges[0].pk, "declared": "某公司"})
    assert round_.judges.get().declared == ["某公司"]


def test_investor_follow_ups(event, operator_user, make_enterprise):
    entry = services.register_entry(event, "项目", track="企业组", enterprise=make_enterprise("丙公司"))
    investor = services.add_investor(event, "李投", "某创投", operator_user)
    with pytest.raises(ValidationError):
        services.add_follow_up(investor, entry, dt.date(2024, 5, 1), "约见", operator_user)     # before the event
    services.add_follow_up(investor, entry, dt.date(2024, 10, 1), "约见", operator_user)
    assert investor.follow_ups.count() == 1


def test_rounds_are_set_before_judging(event, judges, make_enterprise, operator_user):
    _setup(event, judges, [make_enterprise("丁公司")])
    services.open_judging(event, operator_user)
    with pytest.raises(ValidationError):
        services.add_round(event, 2, "复赛", CRITERIA)
    with pytest.raises(ValidationError):
        services.add_judge(event.rounds.get(), operator_user)      # not a review expert


def test_a_district_events_award_is_recorded_as_a_district_prize(event, judges, make_enterprise, operator_user):
    """The Eco-City's 创新之星 is a district event: its prizes are on record at 区级."""
    Event.objects.filter(pk=event.pk).update(prize_level="district")
    event.refresh_from_db()
    firm = make_enterprise("创新之星企业")
    services.add_round(event, 1, "决赛", CRITERIA)
    for judge in judges:
        services.add_judge(event.rounds.get(), judge)
    entry = services.register_entry(event, "之星项目", track="企业组", enterprise=firm)
    services.open_judging(event, operator_user)
    for judge in judges:
        services.submit_score(event.rounds.get(), entry, judge, {"tech": 8, "market": 8})
    services.close_round(event.rounds.get(), operator_user)
    services.publish(event, {entry.pk: "first"}, operator_user)
    prize = CompetitionPrize.objects.get(enterprise=firm)
    assert (prize.level, prize.get_level_display()) == ("district", "区级")
