import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from kechuang.carriers import evaluation, services
from kechuang.carriers.models import CarrierReport, CarrierScore
from kechuang.registry.models import Certificate

D = dt.date


def test_the_shipped_system_weighs_each_variant_to_100():
    system = evaluation.system()
    assert set(system.variants) == {"comprehensive", "specialised"}
    assert "孵化绩效" in system.categories()


def test_a_system_whose_weights_do_not_add_up_is_refused():
    text = evaluation.SYSTEM_FILE.read_text(encoding="utf-8").replace("weights: {comprehensive: 12, specialised: 10}", "weights: {comprehensive: 13, specialised: 10}", 1)
    with pytest.raises(ImproperlyConfigured):
        evaluation.parse(text)


def test_yearly_score_explained_ranked_and_compared(make_carrier, make_enterprise):
    strong, weak = make_carrier("strong"), make_carrier("weak", specialised=True)
    for i in range(12):
        firm = make_enterprise(f"在孵{i}", established=D(2022, 1, 1))
        services.add_tenant(strong, firm, D(2022, 6, 1))
        if i < 3:
            Certificate.objects.create(enterprise=firm, kind="hnte", number=f"GR{i:04d}", issued=D(2023, 11, 1), expires=D(2026, 10, 31))
    services.add_tenant(weak, make_enterprise("孤单一家"), D(2022, 6, 1))
    CarrierReport.objects.create(carrier=strong, year=2023, due=D(2024, 3, 31), state="accepted", mentors=3, staff=10,
                                 professional_staff=9, incubation_fund=Decimal(600), service_income=Decimal(40),
                                 rent_income=Decimal(60), events_held=12)
    evaluation.evaluate_year(2022)
    rows = evaluation.evaluate_year(2023)
    score = CarrierScore.objects.get(carrier=strong, year=2023)
    assert score.rank == 1 and score.variant == "comprehensive"
    items = {i["id"]: i for i in score.items}
    assert items["tenants"]["value"] == "12" and items["tenants"]["band"] == "≥ 10" and items["tenants"]["points"] == "4.80"
    assert items["hnte_tenants"]["value"] == "3" and items["hnte_tenants"]["points"] == "6.00"
    assert items["mentors_per_10"]["value"] == "2.50" and items["mentors_per_10"]["points"] == "8.00"
    assert items["events_held"]["source"].startswith("火炬统计")
    assert score.total == sum(Decimal(i["points"]) for i in score.items)
    weak_score = CarrierScore.objects.get(carrier=weak, year=2023)
    assert weak_score.variant == "specialised" and weak_score.rank == 2
    assert {i["id"]: i["missing"] for i in weak_score.items}["events_held"] is True
    change = evaluation.with_change(CarrierScore.objects.filter(year=2023, carrier=strong))[0]
    assert change["previous"] is not None and change["change"] == score.total - change["previous"]
    assert len(rows) == 2


def test_recognition_conditions_explained_by_version(make_carrier, make_enterprise):
    carrier = make_carrier("rec")
    for i in range(4):
        services.add_tenant(carrier, make_enterprise(f"入驻{i}"), D(2022, 6, 1))
    CarrierReport.objects.create(carrier=carrier, year=2023, due=D(2024, 3, 31), state="accepted", mentors=1, staff=10,
                                 professional_staff=9, incubation_fund=Decimal(600), service_income=Decimal(40),
                                 rent_income=Decimal(60), events_held=12)
    result = services.evaluate_recognition(carrier, 2023)
    assert result["document_number"] == "国科发区〔2018〕300号" and result["status"] == "ineligible"
    by_id = {c["id"]: c for c in result["criteria"]}
    assert by_id["area"]["passed"] and by_id["fund"]["passed"] and by_id["mentors"]["value"] == 2.5
    assert by_id["tenants"]["passed"] is False and by_id["tenants"]["value"] == 4
    newer = services.evaluate_recognition(carrier, 2025)
    assert newer["document_number"] == "工信部科〔2025〕131号"
    assert {c["id"]: c["missing"] for c in newer["criteria"]}["service_income"] is True   # no 2025 return


def test_a_share_reads_and_bands_as_a_percentage():
    from kechuang.carriers.evaluation import Indicator

    share = Indicator("孵化绩效", "ip_share", "拥有有效知识产权的在孵企业占比", "ip_share", {"comprehensive": 10},
                      ((Decimal("0.5"), Decimal(1)), (Decimal("0.3"), Decimal("0.7"))))
    line = share.score(Decimal("0.3333"), "comprehensive")
    assert (line["value_text"], line["band"], line["points"]) == ("33.3%", "≥ 30%", "7.00")
    count = Indicator("孵化绩效", "tenants", "在孵企业数", "tenants", {"comprehensive": 10}, ((Decimal(50), Decimal(1)),))
    assert count.score(Decimal(1234), "comprehensive")["value_text"] == "1,234"
