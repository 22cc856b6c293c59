"""The pages as each kind of user meets them: what renders, what is refused, and that forms go
through the services (bad input shows a message and writes nothing)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kechuang.core.choices import Role
from kechuang.techmarket import services
from kechuang.techmarket.models import Proposal, TechContract

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + dt.timedelta(days=20)


@pytest.fixture
def market(make_achievement, make_demand, officer, institution, application):
    achievement = make_achievement(keywords="能效诊断；节能")
    demand = make_demand()
    challenge = services.launch_challenge(make_demand(title="污水处理能耗高"), officer, Decimal("200"), FUTURE)
    contract = services.register_contract(services.apply_contract(application(seller=demand.enterprise), officer), officer)
    match = services.recommend(demand, achievement, officer, 2.5, ["共同关键词：节能"])
    return {"achievement": achievement, "demand": demand, "challenge": challenge, "contract": contract, "match": match}


def _pages(market):
    return [
        reverse("techmarket:overview"),
        reverse("techmarket:contract-statistics"),
        reverse("techmarket:achievements"),
        reverse("techmarket:achievements") + "?export=xlsx",
        reverse("techmarket:demands") + "?q=电费&domain=10",
        reverse("techmarket:matches"),
        reverse("techmarket:challenges"),
        reverse("techmarket:contracts") + "?location=city&district_seller=true",
        reverse("techmarket:achievement-new"),
        reverse("techmarket:demand-new"),
        reverse("techmarket:contract-new"),
        market["achievement"].get_absolute_url(),
        market["demand"].get_absolute_url(),
        market["match"].get_absolute_url(),
        market["challenge"].get_absolute_url(),
        market["contract"].get_absolute_url(),
        reverse("techmarket:contract-correct", args=[market["contract"].pk]),
    ]


def test_officer_sees_every_page(client, officer, market):
    client.force_login(officer)
    for url in _pages(market):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(market["demand"].get_absolute_url()).content.decode()
    assert market["achievement"].title in page and ("共同关键词" in page or "语义关联" in page)


def test_enterprise_user_is_confined_to_its_own(client, market, make_demand):
    member = market["demand"].enterprise.members.get()
    client.force_login(member)
    assert client.get(reverse("techmarket:overview")).status_code == 403
    assert client.get(make_demand(title="别家需求").get_absolute_url()).status_code == 404
    assert client.get(market["demand"].get_absolute_url()).status_code == 200
    assert client.get(market["contract"].get_absolute_url()).status_code == 200


def test_public_challenge_page_needs_no_login(client, market):
    page = client.get(reverse("techmarket:challenges-public")).content.decode()
    assert market["challenge"].title in page
    assert client.get(market["challenge"].get_absolute_url()).status_code == 200


def test_institution_applies_and_sees_only_its_own_proposal(client, market, institution, make_user):
    challenge = market["challenge"]
    other = make_user(Role.ENTERPRISE)
    market["demand"].enterprise.members.add(other)
    services.submit_proposal(challenge, other, Proposal(enterprise=market["demand"].enterprise, title="别家的方案", approach="保密内容", budget=Decimal(1), months=1))
    client.force_login(institution.users.get())
    url = reverse("techmarket:challenge-action", args=[challenge.pk, "apply"])
    response = client.post(url, {"title": "我方方案", "approach": "  ", "budget": "100", "months": "12"})
    assert response.status_code == 200 and not challenge.proposals.filter(institution=institution).exists()
    client.post(url, {"title": "我方方案", "approach": "余热回收与智能控制。", "budget": "100", "months": "12"})
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "我方方案" in page and "别家的方案" not in page


def test_contract_form_refuses_tech_amount_above_amount(client, officer, market):
    client.force_login(officer)
    before = TechContract.objects.count()
    response = client.post(reverse("techmarket:contract-new"), {
        "name": "测试合同", "contract_type": "transfer", "subtype": "", "seller": market["contract"].seller.pk,
        "buyer_name": "买方", "buyer_region_code": "120101", "amount": "10", "tech_amount": "12",
        "signed_on": "2022-01-01", "applied_on": "2022-01-05",
    })
    assert response.status_code == 200 and TechContract.objects.count() == before
    assert response.context["form"].errors["tech_amount"]


def test_registrar_registers_from_the_page(client, officer, application):
    contract = services.apply_contract(application(), officer)
    client.force_login(officer)
    client.post(reverse("techmarket:contract-action", args=[contract.pk, "register"]))
    contract.refresh_from_db()
    assert contract.status == "registered" and contract.registration_number


def test_api_lists_what_the_user_may_see_and_ranks(client, market, make_demand):
    member = market["demand"].enterprise.members.get()
    make_demand(title="别家需求")
    client.force_login(member)
    demands = client.get("/api/techmarket/demands/").json()
    assert [row["title"] for row in demands["results"]] == [market["demand"].title]
    ranked = client.get(f"/api/techmarket/demands/{market['demand'].pk}/achievements/?top=5").json()
    assert ranked[0]["id"] == market["achievement"].pk and ranked[0]["reasons"]
    contracts = client.get("/api/techmarket/contracts/").json()
    assert [row["registration_number"] for row in contracts["results"]] == [market["contract"].registration_number]


def test_seller_applies_today_and_a_late_application_needs_its_reason(client, make_enterprise, make_user):
    firm = make_enterprise()
    member = make_user(Role.ENTERPRISE)
    firm.members.add(member)
    client.force_login(member)
    signed = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    form = {
        "name": "工业视觉检测系统技术开发", "contract_type": "development", "subtype": "entrusted", "seller": firm.pk,
        "buyer_name": "北京某公司", "buyer_region_code": "110108", "amount": "50", "tech_amount": "45",
        "signed_on": signed, "applied_on": "2020-01-01",  # not the seller's to choose
    }
    response = client.post(reverse("techmarket:contract-new"), form)
    assert "late_reason" in response.context["form"].errors and not TechContract.objects.exists()
    client.post(reverse("techmarket:contract-new"), {**form, "late_reason": "买方审批流程延误"})
    contract = TechContract.objects.get()
    assert contract.applied_on == timezone.localdate() and contract.status == "applied"
    assert contract.changes.get().by == member


def test_back_office_shows_workflow_records_read_only(client, officer, market):
    client.force_login(officer)
    assert client.get(reverse("admin:techmarket_achievement_changelist")).status_code == 200
    contract_url = reverse("admin:techmarket_techcontract_change", args=[market["contract"].pk])
    page = client.get(contract_url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.get(reverse("admin:techmarket_challenge_add")).status_code == 403


def test_reviewer_scores_from_the_page_and_sees_the_score_given(client, officer, market, institution):
    challenge = market["challenge"]
    reviewer = officer
    challenge.reviewers.add(reviewer)
    proposal = services.submit_proposal(
        challenge, institution.users.get(), Proposal(institution=institution, title="方案", approach="余热回收。", budget=Decimal(50), months=6)
    )
    services.start_review(challenge, officer)
    client.force_login(reviewer)
    client.post(reverse("techmarket:challenge-action", args=[challenge.pk, "score"]), {"proposal": proposal.pk, "score": "87"})
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert proposal.reviews.get().score == 87 and 'value="87"' in page
