"""The read-only API shows each user what `Enrollment.objects.visible_to` allows."""
from kechuang.cultivation.choices import Tier


def test_enterprise_user_sees_only_its_own_enrollments(client, enrolled, make_user):
    mine, other = enrolled(2)
    user = make_user("enterprise")
    mine.enterprise.members.add(user)
    client.force_login(user)
    body = client.get("/api/cultivation/enrollments/").json()
    assert [row["enterprise_uscc"] for row in body["results"]] == [mine.enterprise.uscc]
    assert client.get(f"/api/cultivation/enrollments/{other.pk}/").status_code == 404
    assert client.get("/api/cultivation/enrollments/funnel/").status_code == 403


def test_funnel_endpoint_for_officers(client, enrolled, officer):
    enrolled(2)
    enrolled(1, tier=Tier.DENGLING, year=2021)
    client.force_login(officer)
    body = client.get("/api/cultivation/enrollments/funnel/").json()
    assert body[Tier.HNTE]["years"][0]["candidates"] == 2 and body[Tier.HNTE]["observed"]["decided_candidates"] == 2
    assert body[Tier.DENGLING]["years"][0]["year"] == 2021
