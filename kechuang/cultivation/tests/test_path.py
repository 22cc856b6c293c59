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
