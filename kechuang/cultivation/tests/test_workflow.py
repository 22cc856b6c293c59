"""Transitions allowed and refused, per role and per stage, as the workflow table declares them."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from kechuang.core.choices import Role
from kechuang.core.models import User
from kechuang.cultivation import services
from kechuang.cultivation.choices import ActionKind, Stage, Tier
from kechuang.cultivation.models import CultivationAction, Enrollment
from kechuang.cultivation.workflow import ENROLLMENT

D = dt.date
NOT_OFFICERS = [role for role in Role.values if role != Role.OFFICER]


def can_move(user, transition_name: str) -> bool:
    return ENROLLMENT.get(transition_name).permits(user, None)


@pytest.mark.parametrize("transition", sorted(ENROLLMENT.transitions))
def test_only_officers_may_move_cards(transition):
    assert can_move(User(role=Role.OFFICER), transition)
    for role in NOT_OFFICERS:
        assert not can_move(User(role=role), transition), role
    assert not can_move(User(role=Role.OFFICER, is_active=False), transition)


@pytest.mark.parametrize("role", [Role.LEADER, Role.ENTERPRISE, Role.SYSADMIN, Role.AUDITOR])
def test_other_roles_are_refused_and_nothing_changes(make_user, enrolled, make_enterprise, role):
    user = make_user(role)
    row = enrolled()[0]
    with pytest.raises(PermissionDenied):
        services.exit_pipeline([row], "企业放弃申报", user)
    with pytest.raises(PermissionDenied):
        services.log_action([row], ActionKind.VISIT, D(2022, 4, 1), "", user)
    with pytest.raises(PermissionDenied):
        services.select_candidates([make_enterprise()], Tier.TSME, 2022, user)
    row.refresh_from_db()
    assert row.stage == Stage.ENROLLED and not row.actions.exists()


def test_the_pipeline_in_order(officer, make_enterprise, certificate):
    enterprise = make_enterprise()
    [row] = services.select_candidates([enterprise], Tier.HNTE, 2022, officer, on=D(2022, 2, 1))
    assert (row.stage, row.candidate_on) == (Stage.CANDIDATE, D(2022, 2, 1))
    services.enrol([row], officer, officer, on=D(2022, 3, 1))
    services.log_action([row], ActionKind.BRIEFING, D(2022, 4, 1), "高企政策宣讲", officer)
    services.log_action([row], ActionKind.VISIT, D(2022, 5, 1), "", officer)
    row.refresh_from_db()
    # The first action starts cultivation; the second leaves the date of the first.
    assert (row.stage, row.officer, row.cultivating_on) == (Stage.CULTIVATING, officer, D(2022, 4, 1))
    assert row.actions.count() == 2
    services.record_certificate(row, certificate(enterprise), officer)
    row.refresh_from_db()
    assert (row.stage, row.recognised_on) == (Stage.RECOGNISED, D(2022, 12, 1))


@pytest.mark.parametrize(
    "stage_path, transition",
    [
        ((), "recognise"),  # a candidate cannot be recognised without enrolment
        (("enrol",), "enrol"),  # no second enrolment
        (("exit",), "enrol"),  # exited is final
        (("exit",), "exit"),
    ],
)
def test_moves_the_table_does_not_declare_are_refused(make_enterprise, officer, stage_path, transition):
    [row] = services.select_candidates([make_enterprise()], Tier.HNTE, 2022, officer, on=D(2022, 2, 1))
    for step in stage_path:
        fields = {"officer": officer} if step == "enrol" else {"comment": "不再符合条件"}
        services.move([row], step, officer, D(2022, 3, 1), **fields)
    before = Enrollment.objects.get(pk=row.pk).stage
    with pytest.raises(ValidationError) as error:
        services.move([row], transition, officer, D(2022, 4, 1))
    assert row.enterprise.name in error.value.messages[0]
    assert Enrollment.objects.get(pk=row.pk).stage == before


def test_a_stage_cannot_be_dated_before_the_previous_one(make_enterprise, officer):
    [row] = services.select_candidates([make_enterprise()], Tier.HNTE, 2022, officer, on=D(2022, 2, 1))
    with pytest.raises(ValidationError):
        services.enrol([row], officer, officer, on=D(2022, 1, 1))


def test_enrolment_needs_an_officer_in_charge(enrolled, make_enterprise, officer, make_user):
    [row] = services.select_candidates([make_enterprise()], Tier.HNTE, 2022, officer, on=D(2022, 2, 1))
    with pytest.raises(ValidationError):
        services.enrol([row], make_user(Role.LEADER), officer)


def test_exit_needs_a_reason(enrolled, officer):
    row = enrolled()[0]
    with pytest.raises(ValidationError):
        services.exit_pipeline([row], "   ", officer)
    services.exit_pipeline([row], "企业迁出生态城", officer, D(2022, 6, 1))
    row.refresh_from_db()
    assert (row.stage, row.exit_reason, row.exited_on) == (Stage.EXITED, "企业迁出生态城", D(2022, 6, 1))


def test_one_open_enrollment_per_enterprise_and_tier(enrolled, officer):
    row = enrolled()[0]
    with pytest.raises(ValidationError):
        services.select_candidates([row.enterprise], Tier.HNTE, 2023, officer)
    # Another tier, or after leaving the pipeline, is fine.
    services.select_candidates([row.enterprise], Tier.DENGLING, 2022, officer, on=D(2022, 2, 1))
    services.exit_pipeline([row], "未通过认定", officer, D(2022, 12, 31))
    services.select_candidates([row.enterprise], Tier.HNTE, 2023, officer, on=D(2023, 2, 1))
    # The database holds the same rule against writers that bypass the services.
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(enterprise=row.enterprise, tier=Tier.HNTE, year=2023, candidate_on=D(2023, 3, 1))


def test_actions_only_for_enrolled_and_not_in_the_future(make_enterprise, officer):
    [row] = services.select_candidates([make_enterprise()], Tier.HNTE, 2022, officer, on=D(2022, 2, 1))
    with pytest.raises(ValidationError):
        services.log_action([row], ActionKind.VISIT, D(2022, 3, 1), "", officer)
    services.enrol([row], officer, officer, on=D(2022, 3, 1))
    with pytest.raises(ValidationError):
        services.log_action([row], ActionKind.VISIT, dt.date.today() + dt.timedelta(days=1), "", officer)
    with pytest.raises(ValidationError):
        services.log_action([row], ActionKind.VISIT, D(2022, 2, 15), "", officer)
    assert not CultivationAction.objects.exists()


@pytest.mark.parametrize("action", ["cultivate", "recognise", "delete"])
def test_the_action_endpoint_takes_no_undeclared_or_consequence_only_step(client, officer, enrolled, action):
    row = enrolled()[0]
    client.force_login(officer)
    client.post(reverse("cultivation:action"), {"action": action, "ids": [row.pk], "date": "2022-04-01"})
    row.refresh_from_db()
    assert row.stage == Stage.ENROLLED and row.cultivating_on is None and row.recognised_on is None
