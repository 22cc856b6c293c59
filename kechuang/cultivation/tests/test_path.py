"""Enterprise self-service: each user reads only its own enterprise's path; officers read any."""
import pytest
from django.urls import reverse

from kechuang.cultivation.choices import Tier


@pytest.fixture
def member(make_user, make_enterprise):
    user = make_user("enterprise")
    enterprise = make_enterprise("生态城智能科技有限公司")
    enterprise.members.add(user)
    return user, enterprise


def test_enterprise_user_sees_own_path_to_every_tier(client, member):
    user, enterprise = member
    client.force_login(user)
    response = client.get(reverse("cultivation:path_start"))
    assert response.status_code == 302 and response.url == reverse("cultivation:path", args=[enterprise.pk])
    overview = client.get(response.url).content.decode()
    for tier in Tier.values:
        assert reverse("cultivation:path_detail", args=[enterprise.pk, tier]) in overview
    page = client.get(reverse("cultivation:path_detail", args=[enterprise.pk, Tier.HNTE])).content.decode()
    assert "我的高企之路" in page and enterprise.name in page


def test_another_enterprise_path_is_not_found(client, member, make_enterprise):
    user, _ = member
    other = make_enterprise()
    client.force_login(user)
    assert client.get(reverse("cultivation:path", args=[other.pk])).status_code == 404
    assert client.get(reverse("cultivation:path_detail", args=[other.pk, Tier.HNTE])).status_code == 404


@pytest.mark.parametrize("role", ["officer", "leader"])
def test_staff_open_any_enterprise_path(client, member, make_user, role):
    _, enterprise = member
    client.force_login(make_user(role))
    assert client.get(reverse("cultivation:path_detail", args=[enterprise.pk, Tier.DENGLING])).status_code == 200


def test_pipeline_pages_are_closed_to_enterprise_users(client, member):
    user, _ = member
    client.force_login(user)
    for name, args in [("overview", []), ("board", [Tier.HNTE]), ("free_benefits", []), ("enrollments", [])]:
        assert client.get(reverse(f"cultivation:{name}", args=args)).status_code == 403


def test_unknown_tier_is_not_found(client, member):
    user, enterprise = member
    client.force_login(user)
    assert client.get(reverse("cultivation:path_detail", args=[enterprise.pk, "nobel"])).status_code == 404


def test_criterion_figures_read_as_people_read_them():
    from kechuang.cultivation.templatetags.cultivation import criterion_threshold, criterion_value, source_label, span

    ratio = {"value": 0.04556, "threshold": 0.05, "op": ">=", "source": "years.rd_expense / years.sales_revenue"}
    assert (criterion_value(ratio), criterion_threshold(ratio)) == ("4.556%", "不低于 5%")
    assert source_label(ratio["source"]) == "研发费用 / 销售收入"
    assert span([2023, 2025]) == "2023–2025" and span(None) == "—" and span(False) == "否"
    domains = {"value": "电子信息", "threshold": ["电子信息", "新材料", "航空航天"], "op": "in", "source": "high_tech_domain"}
    assert criterion_threshold(domains) == "属于 电子信息、新材料、航空航天 之一"


def test_growth_rates_read_as_percentages_and_capped_sums_as_full_marks():
    from kechuang.cultivation.templatetags.cultivation import criterion_threshold, criterion_value

    growth = {"value": 0.68, "threshold": 0, "op": ">", "source": "years.net_assets", "measure": "ratio", "node": "bands"}
    assert (criterion_value(growth), criterion_threshold(growth)) == ("68%", "高于 0%")
    capped = {"value": None, "threshold": 30, "op": None, "source": None, "measure": None, "node": "sum"}
    assert criterion_threshold(capped) == "满分 30 分"
    staff = {"value": 230, "threshold": 500, "op": "<=", "source": "years.employees", "measure": "people", "node": "threshold"}
    assert (criterion_value(staff), criterion_threshold(staff)) == ("230 人", "不超过 500 人")


def test_path_overview_reads_the_profile_once_for_every_tier(client, member, django_assert_max_num_queries):
    # The profile alone is about a dozen queries; read per tier, the overview ran 70 or more.
    user, enterprise = member
    client.force_login(user)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("cultivation:path", args=[enterprise.pk])).status_code == 200
