import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kechuang.core.choices import Role
from kechuang.techmarket import services
from kechuang.techmarket.choices import AchievementStatus, MatchStage
from kechuang.techmarket.matcher import index
from kechuang.techmarket.models import Achievement, Demand, Match

pytestmark = pytest.mark.django_db


def test_empty_description_is_refused(make_achievement, make_demand):
    with pytest.raises(ValidationError):
        make_achievement(summary="   ")
    with pytest.raises(ValidationError):
        make_demand(problem="")
    assert not Achievement.objects.exists() and not Demand.objects.exists()


def test_achievement_visibility_drafts_stay_with_owner(make_achievement, institution, make_user, officer):
    draft = make_achievement(title="未发布成果", status=AchievementStatus.DRAFT)
    published = make_achievement(title="已发布成果")
    owner_user = institution.users.get()
    other_institution_user = make_user(Role.INSTITUTION)
    enterprise_user = make_user(Role.ENTERPRISE)
    assert set(Achievement.objects.visible_to(owner_user)) == {draft, published}
    assert set(Achievement.objects.visible_to(other_institution_user)) == {published}
    assert set(Achievement.objects.visible_to(enterprise_user)) == {published}
    assert set(Achievement.objects.visible_to(officer)) == {draft, published}


def test_demand_visibility_enterprise_sees_only_its_own(make_demand, make_user):
    mine, theirs = make_demand(title="需求一"), make_demand(title="需求二")
    member = mine.enterprise.members.get()
    assert list(Demand.objects.visible_to(member)) == [mine]
    assert set(Demand.objects.visible_to(make_user(Role.INSTITUTION))) == {mine, theirs}
    assert not Demand.objects.visible_to(make_user(Role.PROVIDER)).exists()


def test_publishing_and_withdrawing_updates_the_index_without_rebuild(
    make_achievement, make_demand, officer, django_capture_on_commit_callbacks
):
    demand = make_demand(title="厂房电费太高", problem="厂房每月电费太高，空调和照明耗电大，想降低能耗。")
    unrelated = make_achievement(title="长效缓释注射剂", summary="长效缓释微球注射剂，减少给药次数。")
    index.engine()  # built now; what follows must reach it through the services
    engine = index.engine()
    with django_capture_on_commit_callbacks(execute=True):
        energy = make_achievement(title="建筑能效诊断", summary="公共建筑能效诊断与节能改造，降低空调照明能耗。", keywords="能效诊断；节能")
    ranked = [pk for pk, _score, _reasons in index.achievements_for(demand)]
    assert ranked[0] == energy.pk and index.engine() is engine
    with django_capture_on_commit_callbacks(execute=True):
        services.move_achievement(energy, "withdraw", officer)
    assert energy.pk not in [pk for pk, _s, _r in index.achievements_for(demand)]
    assert unrelated.pk  # still indexed, never ranked above the energy record while it was published


def test_index_catches_up_with_writes_from_another_process(make_achievement, make_demand):
    demand = make_demand(title="药物一天打一针太频繁", problem="患者需要每天注射一次，依从性差。")
    index.engine()
    # Written behind the services' back, as another web worker would.
    other = Achievement.objects.create(
        title="长效缓释微球注射剂", summary="长效缓释技术把给药间隔延长到一个月。", owner=make_achievement().owner,
        maturity=5, status=AchievementStatus.PUBLISHED, published_on=dt.date(2022, 1, 1),
    )
    results = index.achievements_for(demand)
    assert results[0][0] == other.pk and results[0][2]  # with reasons


def test_institutions_behind_achievements_are_ranked(make_achievement, make_demand, institution):
    make_achievement(title="建筑能效诊断", summary="公共建筑能效诊断与节能改造。", keywords="能效诊断")
    demand = make_demand(problem="厂房电费太高，想做能效诊断和节能改造。")
    ranked = index.institutions_for(demand)
    assert ranked[0][0] == institution.pk


def _match(make_achievement, make_demand, officer):
    return services.recommend(make_demand(), make_achievement(), officer, 3.2, ["共同关键词：节能"])


def test_match_stages_follow_the_declared_transitions(make_achievement, make_demand, officer, application):
    match = _match(make_achievement, make_demand, officer)
    with pytest.raises(ValidationError):
        services.move_match(match, MatchStage.NEGOTIATING, officer)  # must be contacted first
    services.move_match(match, MatchStage.CONTACTED, officer)
    services.move_match(match, MatchStage.NEGOTIATING, officer)
    applied = services.apply_contract(application(), officer)
    with pytest.raises(ValidationError):
        services.move_match(match, MatchStage.CONTRACTED, officer, contract=applied)  # not registered yet
    registered = services.register_contract(applied, officer, on=dt.date(2022, 3, 20))
    services.move_match(match, MatchStage.CONTRACTED, officer, contract=registered)
    assert match.stage == MatchStage.CONTRACTED and match.contract == registered
    with pytest.raises(ValidationError):
        services.move_match(match, MatchStage.CLOSED, officer)  # final


def test_stale_stage_move_is_refused(make_achievement, make_demand, officer):
    match = _match(make_achievement, make_demand, officer)
    stale = Match.objects.get(pk=match.pk)
    services.move_match(match, MatchStage.CLOSED, officer)
    with pytest.raises(ValidationError):
        services.move_match(stale, MatchStage.CONTACTED, officer)
    assert Match.objects.get(pk=match.pk).stage == MatchStage.CLOSED


def test_funnel_and_conversion_by_year(make_achievement, make_demand, officer, application):
    contract = services.register_contract(services.apply_contract(application(), officer), officer, on=dt.date(2022, 3, 20))
    achievement = make_achievement()
    stages = {2021: ["recommended", "closed"], 2022: ["contracted", "negotiating", "contacted", "closed"]}
    for year, year_stages in stages.items():
        for stage in year_stages:
            Match.objects.create(
                demand=make_demand(), achievement=achievement, score=1, stage=stage,
                contract=contract if stage == "contracted" else None,
                created_at=timezone.make_aware(dt.datetime(year, 6, 1)),
            )
    assert Match.objects.funnel() == {"recommended": 6, "contacted": 3, "negotiating": 2, "contracted": 1}
    assert Match.objects.conversion_by_year() == [
        {"year": 2021, "total": 2, "contracted": 0, "rate": 0.0},
        {"year": 2022, "total": 4, "contracted": 1, "rate": 0.25},
    ]
