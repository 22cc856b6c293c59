"""Who sees whom, the directory and its gaps, the talent map, the named queries, through pages and API."""
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.core.choices import Role
from kechuang.plan.indicators import run
from kechuang.talent import services
from kechuang.talent.choices import EditionState
from kechuang.talent.models import DirectoryRow, Disclosure, Edition, EmployerDemand, ProgrammeLevel
from kechuang.talent.tests.conftest import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_enterprise, make_talent, make_user):
    officer = make_user(Role.OFFICER)
    own, other = make_enterprise(name="自家科技有限公司"), make_enterprise(name="别家生物有限公司", industry_id="2761")
    user = make_user(Role.ENTERPRISE)
    own.members.add(user)
    green_a = ProgrammeLevel.objects.get(programme__code="green-card", code="a")
    mine = make_talent(employer=own, number=id_number(serial="101"), officer=officer, name="自家人", level=green_a,
                       recognition_year=2021, arrival_date=dt.date(2020, 5, 1))
    theirs = make_talent(employer=other, number=id_number(serial="102"), phone="13600002222", officer=officer, name="别家人",
                         field_id="20", education="doctorate", arrival_date=dt.date(2021, 5, 1))
    return officer, user, own, other, mine, theirs


def test_an_enterprise_sees_only_its_own_staff(client, staff):
    officer, user, _own, _other, mine, theirs = staff
    client.force_login(user)
    listing = client.get(reverse("talent:talents")).content.decode()
    assert "自家人" in listing and mine.id_masked in listing and "别家人" not in listing
    assert client.get(reverse("talent:talent", args=[theirs.pk])).status_code == 404
    api = client.get("/api/talent/talents/").json()
    assert [row["name"] for row in api["results"]] == ["自家人"]
    assert api["results"][0]["id_masked"] == mine.id_masked and "id_cipher" not in api["results"][0]
    assert client.post(reverse("talent:talent-reveal", args=[mine.pk]), {"field": "id_number", "reason": "x"}).status_code == 403
    assert client.post(f"/api/talent/talents/{mine.pk}/reveal/", {"field": "id_number", "reason": "x"}).status_code == 403
    assert not Disclosure.objects.exists()
    for page in ("talent:map",):
        assert client.get(reverse(page)).status_code == 403


def test_officer_reveals_through_the_page_and_the_api(client, staff):
    officer, _user, _own, _other, mine, _theirs = staff
    client.force_login(officer)
    assert client.get(reverse("talent:talent-reveal", args=[mine.pk])).status_code == 405
    refused = client.post(reverse("talent:talent-reveal", args=[mine.pk]), {"field": "id_number", "reason": ""})
    assert id_number(serial="101") not in refused.content.decode()
    shown = client.post(reverse("talent:talent-reveal", args=[mine.pk]), {"field": "id_number", "reason": "核验材料"})
    assert id_number(serial="101") in shown.content.decode() and "no-store" in shown["Cache-Control"]
    answer = client.post(f"/api/talent/talents/{mine.pk}/reveal/", {"field": "phone", "reason": "联系本人"})
    assert answer.json() == {"field": "phone", "value": "13912345678"} and "no-store" in answer["Cache-Control"]
    assert Disclosure.objects.count() == 2
    # The page afterwards is masked again.
    assert id_number(serial="101") not in client.get(reverse("talent:talent", args=[mine.pk])).content.decode()


def test_officer_removes_through_the_api(client, staff):
    officer, _user, _own, _other, _mine, theirs = staff
    client.force_login(officer)
    assert client.post(f"/api/talent/talents/{theirs.pk}/remove/", {"reason": ""}).status_code == 400
    assert client.post(f"/api/talent/talents/{theirs.pk}/remove/", {"reason": "本人电话申请"}).status_code == 204
    assert client.get(f"/api/talent/talents/{theirs.pk}/").status_code == 404


def test_directory_collects_demand_and_shows_the_gap(client, staff):
    officer, user, own, _other, _mine, _theirs = staff
    edition = Edition.objects.create(year=2024, title="2024年高端人才指导目录", collect_until=dt.date(2099, 1, 1))
    client.force_login(user)
    response = client.post(reverse("talent:demand-submit", args=[2024]), {"field": "10", "position": "研发工程师", "wanted": 4})
    assert response.status_code == 302 and EmployerDemand.objects.get().enterprise == own
    assert client.post("/api/talent/demands/", {"edition": 2024, "field": "20", "position": "药物研发", "wanted": 0}).status_code == 400
    assert client.post("/api/talent/demands/", {"edition": 2024, "field": "20", "position": "药物研发", "wanted": 2}).status_code == 201
    client.force_login(officer)
    assert services.rows_from_demands(edition, officer) == 2
    assert services.rows_from_demands(edition, officer) == 0
    DirectoryRow.objects.create(edition=edition, field_id="20", position="药物研发博士", education="doctorate", wanted=3)
    services.publish(edition, officer)
    found = {(g.row.field_id, g.row.position): (g.row.wanted, g.on_record, g.gap) for g in services.gaps(edition)}
    # 自家人 works in field 10 at 自家科技 (industry 6513); 别家人 is a doctor in field 20.
    assert found[("10", "研发工程师")] == (4, 1, 3)
    assert found[("20", "药物研发博士")] == (3, 1, 2)
    with pytest.raises(ValidationError):
        services.submit_demand(edition, own, user, field_id="10", position="x", wanted=1)
    exported = client.get(reverse("talent:edition", args=[2024]) + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert [c.value for c in sheet[1]][-3:] == ["需求人数", "在册人数", "缺口"]
    assert client.get("/api/talent/directory/2024/gaps/").json()[0]["gap"] >= 0


def test_talent_map_page_and_workbook_agree(client, staff):
    officer, *_ = staff
    Edition.objects.create(year=2026, title="目录", state=EditionState.PUBLISHED)
    client.force_login(officer)
    page = client.get(reverse("talent:map"))
    assert page.status_code == 200 and "plotly.min.js" in page.content.decode() and "cdn" not in page.content.decode().lower()
    book = load_workbook(io.BytesIO(client.get(reverse("talent:map") + "?export=xlsx").content))
    assert {"按人才计划与层次", "年龄结构", "学历结构", "历年引进", "关系网络", "按工作单位"} <= set(book.sheetnames)
    programme = {row[0]: row for row in book["按人才计划与层次"].iter_rows(min_row=2, values_only=True)}
    assert programme["人才绿卡"][2] == 1 and programme["未入选人才计划"][2] == 1
    inflow = [row for row in book["历年引进"].iter_rows(min_row=2, values_only=True)]
    assert inflow == [(2020, 1, 0), (2021, 1, 0)]
    api = client.get("/api/talent/map/").json()
    assert api["programme"]["rows"] == [list(r) for r in book["按人才计划与层次"].iter_rows(min_row=2, values_only=True)]


def test_named_queries_count_by_programme(staff, settings):
    _officer, _user, own, _other, mine, _theirs = staff
    region = own.region_id[:6]
    assert run("talents_on_record", region, dt.date(2022, 1, 1)).value == 2
    assert run("talents_on_record", region, dt.date(2020, 12, 31)).value == 1
    assert run("talents_green_card", region, dt.date(2022, 1, 1)).value == 1
    assert run("talents_green_card", region, dt.date(2020, 12, 31)).value == 0
    assert run("talents_haihe", region, dt.date(2022, 1, 1)).value == 0


def test_field_filter_narrows_by_the_field_and_the_fields_under_it(client, staff):
    officer, *_ = staff
    client.force_login(officer)
    assert [r["name"] for r in client.get("/api/talent/talents/", {"field": "2"}).json()["results"]] == ["别家人"]
    assert client.get("/api/talent/talents/", {"field": "\x18)2"}).json()["results"] == []


def test_the_enterprise_profile_lists_its_staff_masked(client, staff):
    officer, _user, own, _other, mine, _theirs = staff
    client.force_login(officer)
    page = client.get(reverse("registry:enterprise", args=[own.uscc])).content.decode()
    section = page.split("人才档案", 1)[1]
    assert "自家人" in section and mine.id_masked in section and "人才绿卡 1" in section and "别家人" not in section
    assert id_number(serial="101") not in page and "13912345678" not in page
