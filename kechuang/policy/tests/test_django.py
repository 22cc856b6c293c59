"""Rule sets in the database, bulk screening of the registry, and the evaluate API."""
import datetime as dt

import pytest
from django.core.management import call_command

from kechuang.policy import services
from kechuang.policy.models import RuleSetVersion, ScreeningResult
from kechuang.registry.models import Certificate, IntellectualProperty, YearlyData

AS_OF = dt.date(2022, 6, 30)
pytestmark = pytest.mark.django_db


def test_rulesets_synced_after_migrate_and_by_command(capsys):
    assert RuleSetVersion.objects.filter(key="tsme", version="2017").exists()
    RuleSetVersion.objects.all().delete()
    call_command("loadrules")
    rows = {r.key: r for r in RuleSetVersion.objects.all()}
    assert set(rows) == {"tsme", "hnte", "chuying", "dengling", "lingjun_peiyu", "lingjun"}
    assert rows["dengling"].provisional_count >= 10
    assert len(rows["hnte"].checksum) == 64


def _firm(make_enterprise, revenue=3000, tech_staff=30, **kw):
    firm = make_enterprise(**kw)
    YearlyData.objects.create(enterprise=firm, year=2021, employees=100, tech_staff=tech_staff, revenue=revenue,
                              sales_revenue=revenue, total_income=revenue, cost_total=2500, rd_expense=200,
                              rd_expense_domestic=200, high_tech_revenue=revenue * 0.7, total_assets=5000,
                              net_assets=2000)
    return firm


def test_profile_for_reads_the_registry(make_enterprise):
    firm = _firm(make_enterprise)
    ip = IntellectualProperty.objects.create(number="ZL1", kind_id="invention_patent", title="x",
                                             granted=dt.date(2020, 3, 1))
    ip.owners.add(firm)
    p = services.profile_for(firm)
    assert p["uscc"] == firm.uscc and p["region_code"] == "120116406"
    assert p["high_tech_domain"] == "电子信息"
    assert p["years"][0]["revenue"] == 3000.0
    assert p["ip"][0]["kind"] == "invention_patent"
    r = services.evaluate_enterprise(firm, "chuying", AS_OF)
    assert r["status"] == "eligible"


def test_screen_stores_results_and_reports(make_enterprise):
    eligible = _firm(make_enterprise)
    ip = IntellectualProperty.objects.create(number="ZL2", kind_id="invention_patent", title="x",
                                             granted=dt.date(2020, 3, 1))
    ip.owners.add(eligible)
    near = _firm(make_enterprise, revenue=9.5)  # 雏鹰: revenue short by 0.5, and no IP: two gaps
    holder = _firm(make_enterprise, established=dt.date(2010, 1, 1))  # too old for 雏鹰 but holds it
    Certificate.objects.create(enterprise=holder, kind="chuying", number="CY1", issued=dt.date(2021, 12, 1),
                               expires=dt.date(2024, 11, 30))
    run = services.screen(AS_OF)
    assert run.finished is not None
    assert run.results.count() == 3 * 6
    chuying = ScreeningResult.objects.latest().for_tier("chuying")
    assert set(chuying.eligible().values_list("enterprise", flat=True)) == {eligible.pk}
    near_result = services.explain([chuying.get(enterprise=near)])[0]
    assert near_result.gap_count == 2 and near_result.fixable
    assert chuying.within_reach().filter(enterprise=near).exists()
    assert {g["criterion"] for g in near_result.gaps} == {"revenue_min", "c4_1_ip_class1"}
    assert near_result.ruleset_version == "2021" and near_result.as_of == AS_OF
    assert list(services.at_risk(run).values_list("enterprise", flat=True)) == [holder.pk]
    assert run.counts["rulesets"]["chuying"]["at_risk"] == 1
    assert run.counts["rulesets"]["chuying"]["newly_eligible"] == 1
    # a second run: nobody is newly eligible any more
    run2 = services.screen(AS_OF)
    assert services.newly_eligible(run2).count() == 0
    assert ScreeningResult.objects.latest().filter(run=run2).count() == 18
    # the stored result is the single evaluator's result
    single = services.evaluate_enterprise(near, "chuying", AS_OF)
    stored = services.result_of(ScreeningResult.objects.latest().get(enterprise=near, ruleset_key="chuying"))
    assert stored == single


def test_screen_command_prints_summary(make_enterprise, capsys):
    _firm(make_enterprise)
    call_command("screen", "--as-of", "2022-06-30")
    out = capsys.readouterr().out
    assert "chuying" in out and "tsme" in out


@pytest.fixture
def api(make_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(make_user("officer"))
    return client


def test_api_evaluate(api):
    from .factories import profile

    r = api.post("/api/evaluate/?ruleset=chuying&as_of=2022-06-30", profile(), format="json")
    assert r.status_code == 200, r.content
    assert r.json()["ruleset"] == "chuying" and r.json()["as_of"] == "2022-06-30"
    r = api.post("/api/evaluate/", {"ruleset": "tsme", "as_of": "2022-06-30", "profile": profile()}, format="json")
    assert r.status_code == 200 and r.json()["ruleset"] == "tsme"
    r = api.post("/api/evaluate/", {"ruleset": "tsme", "profiles": [profile(), profile()]}, format="json")
    assert r.status_code == 200 and len(r.json()) == 2


def test_api_invalid_profile_names_field(api):
    from .factories import profile

    bad = profile()
    bad["ip"][0]["kind"] = "trademark"
    r = api.post("/api/evaluate/?ruleset=hnte", bad, format="json")
    assert r.status_code == 400
    assert r.json()["field"] == "ip[0].kind"
    assert api.post("/api/evaluate/", profile(), format="json").json()["field"] == "ruleset"
    assert api.post("/api/evaluate/?ruleset=nope", profile(), format="json").status_code == 400


def test_api_requires_login():
    from rest_framework.test import APIClient

    assert APIClient().post("/api/evaluate/?ruleset=tsme", {}, format="json").status_code in (401, 403)
