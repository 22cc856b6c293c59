"""Bulk actions: every ticked record changes, or (if any one may not) none does."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kechuang.core.models import AuditEntry
from kechuang.cultivation import services
from kechuang.cultivation.choices import ActionKind, Stage, Tier
from kechuang.cultivation.models import CultivationAction, Enrollment

D = dt.date


def stages(rows):
    return [Enrollment.objects.get(pk=row.pk).stage for row in rows]


def test_bulk_exit_is_all_or_nothing(enrolled, officer):
    rows = enrolled(4)
    services.exit_pipeline(rows[3:], "企业注销", officer, D(2022, 5, 1))
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        services.exit_pipeline(rows, "年度调整", officer, D(2022, 6, 1))
    assert [rows[3].enterprise.name in m for m in error.value.messages] == [True]
    assert stages(rows) == [Stage.ENROLLED] * 3 + [Stage.EXITED]
    assert AuditEntry.objects.count() == audit_before
    services.exit_pipeline(rows[:3], "年度调整", officer, D(2022, 6, 1))
    assert stages(rows) == [Stage.EXITED] * 4


def test_bulk_log_action_writes_no_action_when_one_row_is_not_enrolled(enrolled, make_enterprise, officer):
    rows = enrolled(3)
    rows += services.select_candidates([make_enterprise()], Tier.HNTE, 2022, officer, on=D(2022, 2, 1))
    with pytest.raises(ValidationError):
        services.log_action(rows, ActionKind.TRAINING, D(2022, 4, 1), "研发费用归集培训", officer)
    assert not CultivationAction.objects.exists()
    assert stages(rows) == [Stage.ENROLLED] * 3 + [Stage.CANDIDATE]
    services.log_action(rows[:3], ActionKind.TRAINING, D(2022, 4, 1), "研发费用归集培训", officer)
    assert CultivationAction.objects.count() == 3
    assert stages(rows[:3]) == [Stage.CULTIVATING] * 3


def test_bulk_select_refuses_the_whole_batch_when_one_is_already_in(enrolled, make_enterprise, officer):
    inside = enrolled()[0].enterprise
    fresh = [make_enterprise() for _ in range(3)]
    with pytest.raises(ValidationError) as error:
        services.select_candidates([*fresh, inside], Tier.HNTE, 2022, officer)
    assert inside.name in error.value.messages[0]
    assert Enrollment.objects.count() == 1


def test_bulk_assign_officer(enrolled, officer, make_user):
    rows = enrolled(2)
    other = make_user("officer")
    services.assign_officer(rows, other, officer)
    assert {Enrollment.objects.get(pk=r.pk).officer for r in rows} == {other}


def test_bulk_page_action_applies_to_every_ticked_card(client, enrolled, officer):
    rows = enrolled(3)
    client.force_login(officer)
    board = reverse("cultivation:board", args=[Tier.HNTE])
    response = client.post(
        reverse("cultivation:action"),
        {"action": "log", "ids": [r.pk for r in rows], "kind": ActionKind.VISIT, "date": "2022-04-02",
         "note": "走访", "next": board},
    )
    assert response.status_code == 302 and response.url == board
    assert CultivationAction.objects.filter(note="走访").count() == 3


def test_bulk_page_action_reports_each_refusal_and_changes_nothing(client, enrolled, officer):
    rows = enrolled(2)
    services.exit_pipeline(rows[:1], "企业迁出", officer, D(2022, 5, 1))
    client.force_login(officer)
    response = client.post(
        reverse("cultivation:action"),
        {"action": "exit", "ids": [r.pk for r in rows], "reason": "年度调整", "date": "2022-06-01"},
        follow=True,
    )
    text = response.content.decode()
    assert "没有做任何修改" in text and rows[0].enterprise.name in text
    assert stages(rows) == [Stage.EXITED, Stage.ENROLLED]


def test_bulk_page_refuses_missing_fields_and_non_officers(client, enrolled, officer, make_user):
    rows = enrolled(2)
    client.force_login(officer)
    client.post(reverse("cultivation:action"), {"action": "exit", "ids": [r.pk for r in rows], "reason": ""})
    assert stages(rows) == [Stage.ENROLLED] * 2
    client.force_login(make_user("leader"))
    response = client.post(reverse("cultivation:action"), {"action": "exit", "ids": [r.pk for r in rows], "reason": "x"})
    assert response.status_code == 403
    assert stages(rows) == [Stage.ENROLLED] * 2
