"""Pages and API as each role: officers work, leaders read, enterprises see their own; bad input over
the API is refused with the message and writes nothing."""
import datetime as dt

import pytest
from django.urls import reverse

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.finance import services
from kechuang.finance.choices import Board, FinancingForm, FinancingPurpose, ListingStage
from kechuang.finance.models import FinancingDemand, ListingEntry

YEAR = clock.today().year - 1


@pytest.fixture
def world(star_firm, make_enterprise, officer):
    other = make_enterprise("别家科技有限公司")
    entry = services.add_to_pool(star_firm, Board.STAR, officer, entered_on=clock.today() - dt.timedelta(days=30))
    other_entry = services.add_to_pool(other, Board.BSE, officer)
    services.record_follow_up(entry, "协调券商进场", "区金融局", officer)
    demand = services.post_demand(star_firm, 300, FinancingForm.DEBT, FinancingPurpose.RND, officer)
    other_demand = services.post_demand(other, 800, FinancingForm.EQUITY, FinancingPurpose.EXPANSION, officer)
    services.compute_points(YEAR)
    from kechuang.finance import listing
    listing.screen()
    return {"entry": entry, "other_entry": other_entry, "demand": demand, "other_demand": other_demand, "other": other}


PAGES = ["finance:overview", "finance:pool", "finance:candidates", "finance:demands", "finance:products",
         "finance:funds", "finance:points", "finance:mine"]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER, Role.ENTERPRISE, Role.PROVIDER])
def test_every_page_opens_or_refuses_cleanly(client, world, make_user, role, star_firm):
    user = star_firm.members.get() if role == Role.ENTERPRISE else make_user(role)
    client.force_login(user)
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code in (200, 403), (name, response.status_code)
        if response.status_code == 200 and name not in ("finance:overview", "finance:candidates", "finance:funds"):
            xlsx = client.get(reverse(name) + "?export=xlsx")
            assert xlsx.status_code in (200, 302, 403) or name == "finance:mine"
    detail = [reverse("finance:entry", args=[world["entry"].pk]), reverse("finance:demand", args=[world["demand"].pk]),
              reverse("finance:points-detail", args=[star_firm.pk, YEAR])]
    for url in detail:
        assert client.get(url).status_code == (200 if role != Role.PROVIDER else 403), url


def test_the_enterprise_sees_its_own_only(client, world, star_firm):
    client.force_login(star_firm.members.get())
    pool = client.get(reverse("finance:pool")).content.decode()
    assert star_firm.name in pool and world["other"].name not in pool
    assert client.get(reverse("finance:entry", args=[world["other_entry"].pk])).status_code == 404
    assert client.get(reverse("finance:demand", args=[world["other_demand"].pk])).status_code == 404
    assert client.get(reverse("finance:points-detail", args=[world["other"].pk, YEAR])).status_code == 404
    mine = client.get(reverse("finance:mine")).content.decode()
    assert "科创板" in mine and "300" in mine
    entry_page = client.get(reverse("finance:entry", args=[world["entry"].pk])).content.decode()
    assert "最近三年累计研发投入占累计营业收入比例 4.1%，科创板要求 ≥ 5%" in entry_page
    points = client.get(reverse("finance:points-detail", args=[star_firm.pk, YEAR])).content.decode()
    assert "研发费用金额" in points and "权重" in points


def test_leaders_read_but_cannot_write(client, world, make_user):
    client.force_login(make_user(Role.LEADER))
    entry = world["entry"]
    response = client.post(reverse("finance:entry-action", args=[entry.pk, "stage"]),
                           {"stage": ListingStage.SHAREHOLDING, "date": clock.today().isoformat()})
    assert response.status_code == 403
    assert ListingEntry.objects.get(pk=entry.pk).stage == ListingStage.ENTERED
    assert client.post(reverse("finance:points-compute"), {"year": YEAR}).status_code == 403


def test_a_backward_stage_without_reason_shows_the_message(client, world, officer):
    client.force_login(officer)
    entry = world["entry"]
    services.move_stage(entry, ListingStage.COUNSELLING, officer)
    response = client.post(reverse("finance:entry-action", args=[entry.pk, "stage"]),
                           {"stage": ListingStage.ENTERED, "date": clock.today().isoformat(), "reason": ""}, follow=True)
    assert "退回上市阶段需说明理由" in response.content.decode()
    assert ListingEntry.objects.get(pk=entry.pk).stage == ListingStage.COUNSELLING


def test_a_zero_amount_on_the_page_shows_the_message(client, world, star_firm):
    client.force_login(star_firm.members.get())
    before = FinancingDemand.objects.count()
    response = client.post(reverse("finance:demand-new"), {"amount": "0", "form": "debt", "purpose": "rnd"})
    assert "融资金额必须大于 0（万元）" in response.content.decode()
    assert FinancingDemand.objects.count() == before


def test_the_api(client, world, star_firm, officer):
    client.force_login(star_firm.members.get())
    listed = client.get("/api/finance/pool/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["enterprise"] for r in rows] == [star_firm.uscc]
    before = FinancingDemand.objects.count()
    refused = client.post("/api/finance/demands/", {"amount": "-3", "form": "debt", "purpose": "rnd"},
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json() == {"amount": ["融资金额必须大于 0（万元）。"]}
    assert FinancingDemand.objects.count() == before
    created = client.post("/api/finance/demands/", {"amount": "120.5", "form": "debt", "purpose": "rnd"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["amount"] == 120.5
    assert client.post(f"/api/finance/pool/{world['entry'].pk}/stage/", {"stage": "shareholding"},
                       content_type="application/json").status_code == 403
    client.force_login(officer)
    services.move_stage(world["entry"], ListingStage.ACCEPTED, officer)
    back = client.post(f"/api/finance/pool/{world['entry'].pk}/stage/", {"stage": "entered"}, content_type="application/json")
    assert back.status_code == 400 and "退回上市阶段需说明理由" in str(back.json())
    standards = client.get(f"/api/finance/pool/{world['entry'].pk}/standards/").json()
    assert standards["ruleset"] == "listing_star"
    points = client.get("/api/finance/points/").json()
    rows = points["results"] if isinstance(points, dict) else points
    assert rows[0]["rank"] == 1



def test_the_enterprise_profile_shows_the_finance_section(client, world, star_firm, make_user):
    client.force_login(make_user(Role.LEADER))
    page = client.get(reverse("registry:enterprise", args=[star_firm.uscc])).content.decode()
    section = page.split("上市后备与融资", 1)[1]
    assert "科创板" in section and "300.00" in section
