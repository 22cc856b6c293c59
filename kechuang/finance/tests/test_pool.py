"""The listing pool: entries move through their stages with dates; backward needs a reason; the
follow-up log; who may act."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.core.models import AuditEntry
from kechuang.finance import services
from kechuang.finance.choices import Board, ListingStage, PoolTier
from kechuang.finance.models import FollowUp, ListingEntry, StageRecord


@pytest.fixture
def entry(firm, officer):
    return services.add_to_pool(firm, Board.STAR, officer, entered_on=clock.today() - dt.timedelta(days=200),
                                sponsor="某某证券股份有限公司")


def test_an_entry_moves_forward_with_dates_and_its_tier_follows(entry, officer):
    day = clock.today() - dt.timedelta(days=100)
    services.move_stage(entry, ListingStage.SHAREHOLDING, officer, date=day)
    services.move_stage(entry, ListingStage.ACCEPTED, officer)  # 辅导备案 skipped is allowed forward
    entry.refresh_from_db()
    assert entry.stage == ListingStage.ACCEPTED and entry.tier == PoolTier.REVIEW and entry.stage_on == clock.today()
    assert list(entry.stage_records.values_list("stage", "date")) == [
        (ListingStage.ENTERED, clock.today() - dt.timedelta(days=200)), (ListingStage.SHAREHOLDING, day),
        (ListingStage.ACCEPTED, clock.today())]


def test_moving_backward_without_a_reason_is_refused_and_writes_nothing(entry, officer):
    services.move_stage(entry, ListingStage.INQUIRY, officer)
    records, audits = StageRecord.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        services.move_stage(entry, ListingStage.COUNSELLING, officer, reason="  ")
    assert "退回上市阶段需说明理由" in str(info.value)
    entry.refresh_from_db()
    assert entry.stage == ListingStage.INQUIRY
    assert StageRecord.objects.count() == records and AuditEntry.objects.count() == audits
    services.move_stage(entry, ListingStage.COUNSELLING, officer, reason="问询回复未通过，重新辅导")
    entry.refresh_from_db()
    assert entry.stage == ListingStage.COUNSELLING
    assert entry.stage_records.last().reason == "问询回复未通过，重新辅导"


def test_leaving_the_pool_needs_a_reason_and_returning_too(entry, officer):
    with pytest.raises(ValidationError):
        services.move_stage(entry, ListingStage.EXITED, officer)
    services.move_stage(entry, ListingStage.EXITED, officer, reason="企业终止上市计划")
    with pytest.raises(ValidationError):
        services.move_stage(entry, ListingStage.ENTERED, officer)
    services.move_stage(entry, ListingStage.ENTERED, officer, reason="重新启动")
    assert ListingEntry.objects.get(pk=entry.pk).stage == ListingStage.ENTERED


def test_a_date_in_the_future_or_before_the_current_stage_is_refused(entry, officer):
    with pytest.raises(ValidationError):
        services.move_stage(entry, ListingStage.SHAREHOLDING, officer, date=clock.today() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.move_stage(entry, ListingStage.SHAREHOLDING, officer, date=entry.stage_on - dt.timedelta(days=1))
    assert ListingEntry.objects.get(pk=entry.pk).stage == ListingStage.ENTERED


def test_leaders_and_enterprises_cannot_move_stages(entry, make_user):
    for role in (Role.LEADER, Role.ENTERPRISE):
        with pytest.raises(PermissionDenied):
            services.move_stage(entry, ListingStage.SHAREHOLDING, make_user(role))


def test_an_enterprise_is_in_the_pool_once(entry, officer):
    with pytest.raises(ValidationError):
        services.add_to_pool(entry.enterprise, Board.BSE, officer)


def test_the_follow_up_log(entry, officer):
    follow_up = services.record_follow_up(entry, "协调募投项目用地手续", "区规划资源局", officer,
                                          raised_on=clock.today() - dt.timedelta(days=10))
    with pytest.raises(ValidationError):
        services.resolve_follow_up(follow_up, "已办结", officer, resolved_on=clock.today() - dt.timedelta(days=11))
    services.resolve_follow_up(follow_up, "已办结", officer)
    assert FollowUp.objects.unresolved().count() == 0
    with pytest.raises(ValidationError):
        services.record_follow_up(entry, "", "区金融局", officer)


def test_rows_are_scoped_to_the_enterprise(entry, make_user, make_enterprise, officer):
    other = make_enterprise("另一家企业")
    services.add_to_pool(other, Board.BSE, officer)
    own = entry.enterprise.members.get()
    assert list(ListingEntry.objects.visible_to(own)) == [entry]
    assert ListingEntry.objects.visible_to(make_user(Role.LEADER)).count() == 2
    assert ListingEntry.objects.visible_to(make_user(Role.PROVIDER)).count() == 0


def test_candidates_leave_out_enterprises_already_in_the_pool(entry, make_enterprise):
    from kechuang.finance.models import ListingScreening

    outside = make_enterprise()
    for enterprise in (entry.enterprise, outside):
        ListingScreening.objects.create(enterprise=enterprise, board=Board.STAR, ruleset_version="1", as_of=clock.today(),
                                        status="eligible")
    assert list(ListingScreening.objects.outside_pool().values_list("enterprise", flat=True)) == [outside.pk]
