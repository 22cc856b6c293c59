"""Every pipeline page renders for officers (with the forms that move cards) and leaders (read-only)."""

import pytest
from django.urls import reverse

from kechuang.core.exports import table_rows
from kechuang.cultivation import services
from kechuang.cultivation.choices import ActionKind, Tier


@pytest.fixture
def board(enrolled, officer):
    rows = enrolled(3)
    services.log_action(rows[:1], ActionKind.VISIT, rows[0].enrolled_on, "走访", officer)
    services.exit_pipeline(rows[1:2], "企业迁出生态城", officer, rows[0].enrolled_on)
    return rows


def test_board_shows_a_column_per_stage_and_the_cards(client, board, officer):
    client.force_login(officer)
    page = client.get(reverse("cultivation:board", args=[Tier.HNTE])).content.decode()
    for label in ("遴选", "入库", "培育", "认定", "退出"):
        assert label in page
    assert board[0].enterprise.name in page and board[2].enterprise.name in page
    assert 'name="ids"' in page and "批量执行" in page
    # The 2022 exit is history by now: shown once its cohort year is asked for.
    assert board[1].enterprise.name not in page
    page = client.get(reverse("cultivation:board", args=[Tier.HNTE]), {"year": 2022}).content.decode()
    assert all(row.enterprise.name in page for row in board) and "企业迁出生态城" in page
    filtered = client.get(reverse("cultivation:board", args=[Tier.HNTE]), {"stage": "exited", "year": 2022}).content.decode()
    assert board[1].enterprise.name in filtered and board[0].enterprise.name not in filtered


def test_leaders_read_without_forms(client, board, make_user):
    client.force_login(make_user("leader"))
    page = client.get(reverse("cultivation:board", args=[Tier.HNTE])).content.decode()
    assert board[0].enterprise.name in page and 'name="ids"' not in page
    detail = client.get(reverse("cultivation:enrollment", args=[board[0].pk])).content.decode()
    assert "走访" in detail and 'name="action"' not in detail


def test_overview_counts_and_detail_forms(client, board, officer):
    client.force_login(officer)
    overview = client.get(reverse("cultivation:overview")).content.decode()
    assert reverse("cultivation:board", args=[Tier.LINGJUN]) in overview
    detail = client.get(reverse("cultivation:enrollment", args=[board[2].pk])).content.decode()
    assert 'value="log"' in detail and 'value="exit"' in detail and 'value="enrol"' not in detail


def test_board_export_lists_the_tier_records(client, board, enrolled, officer):
    enrolled(1, tier=Tier.DENGLING)
    client.force_login(officer)
    response = client.get(reverse("cultivation:enrollments"), {"tier": Tier.HNTE, "export": "xlsx"})
    rows = table_rows(response.content)
    assert rows[0][:3] == ("企业", "统一社会信用代码", "梯度")
    assert sorted(r[0] for r in rows[1:]) == sorted(row.enterprise.name for row in board)
    assert {r[4] for r in rows[1:]} == {"培育", "退出", "入库"}


def test_back_office_is_read_only(client, board, officer):
    client.force_login(officer)
    assert client.get(reverse("admin:cultivation_enrollment_changelist")).status_code == 200
    url = reverse("admin:cultivation_enrollment_change", args=[board[0].pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"year": 1999}).status_code == 403
    assert client.get(reverse("admin:cultivation_enrollment_add")).status_code == 403
