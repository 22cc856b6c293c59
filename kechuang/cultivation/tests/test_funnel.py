"""The funnel, the observed conversion rates and the stage counts, on hand-built histories."""
import datetime as dt

import pytest
from django.urls import reverse
from openpyxl import load_workbook
import io

from kechuang.core.exports import table_rows
from kechuang.cultivation.choices import Stage, Tier
from kechuang.cultivation.models import Enrollment
from kechuang.cultivation.services import conversion_rates, pipeline_counts
from kechuang.registry.models import Certificate

D = dt.date


@pytest.fixture
def history(make_enterprise):
    """2021: 5 candidates → 3 enrolled → 2 recognised (1 exited after enrolment, 1 exited as candidate,
    1 still a candidate). 2022: 2 candidates → 1 enrolled (cultivating), nothing decided."""

    def row(year, stage, **dates):
        enterprise = make_enterprise()
        certificate = None
        if stage == Stage.RECOGNISED:
            certificate = Certificate.objects.create(
                enterprise=enterprise, kind=Tier.HNTE, number=f"GR{enterprise.pk:08d}", issued=dates["recognised_on"]
            )
        reason = "未通过认定" if stage == Stage.EXITED else ""
        return Enrollment.objects.create(
            enterprise=enterprise, tier=Tier.HNTE, year=year, stage=stage, certificate=certificate,
            exit_reason=reason, **dates,
        )

    c, e, g = D(2021, 2, 1), D(2021, 3, 1), D(2021, 4, 1)
    row(2021, Stage.RECOGNISED, candidate_on=c, enrolled_on=e, cultivating_on=g, recognised_on=D(2021, 11, 1))
    row(2021, Stage.RECOGNISED, candidate_on=c, enrolled_on=e, recognised_on=D(2021, 12, 1))
    row(2021, Stage.EXITED, candidate_on=c, enrolled_on=e, cultivating_on=g, exited_on=D(2021, 10, 1))
    row(2021, Stage.EXITED, candidate_on=c, exited_on=D(2021, 2, 20))
    row(2021, Stage.CANDIDATE, candidate_on=c)
    row(2022, Stage.CULTIVATING, candidate_on=D(2022, 2, 1), enrolled_on=D(2022, 3, 1), cultivating_on=D(2022, 5, 1))
    row(2022, Stage.CANDIDATE, candidate_on=D(2022, 2, 1))


def test_funnel_by_year(history):
    rows = Enrollment.objects.for_tier(Tier.HNTE).funnel()
    assert rows == [
        {"year": 2021, "candidates": 5, "enrolled": 3, "recognised": 2, "exited": 2,
         "enrolment_rate": 0.6, "recognition_rate": 0.6667, "overall_rate": 0.4},
        {"year": 2022, "candidates": 2, "enrolled": 1, "recognised": 0, "exited": 0,
         "enrolment_rate": 0.5, "recognition_rate": 0.0, "overall_rate": 0.0},
    ]
    assert Enrollment.objects.for_tier(Tier.TSME).funnel() == []


def test_conversion_rates_count_only_decided_cases(history):
    # Candidates decided: 4 enrolled + 1 exited before enrolment; enrolled decided: 2 recognised + 1 exited.
    assert conversion_rates(Tier.HNTE) == {
        "tier": Tier.HNTE, "enrolment": 0.8, "recognition": 0.6667, "overall": 0.5334,
        "decided_candidates": 5, "decided_enrolled": 3,
    }
    assert conversion_rates(Tier.TSME)["overall"] is None


@pytest.mark.parametrize(
    "as_of, expected",
    [
        (D(2021, 1, 31), {"candidates": 0, "enrolled": 0, "cultivating": 0}),
        (D(2021, 2, 10), {"candidates": 5, "enrolled": 0, "cultivating": 0}),
        (D(2021, 3, 15), {"candidates": 1, "enrolled": 3, "cultivating": 0}),
        (D(2021, 10, 15), {"candidates": 1, "enrolled": 1, "cultivating": 1}),
        (D(2022, 6, 1), {"candidates": 2, "enrolled": 0, "cultivating": 1}),
    ],
)
def test_pipeline_counts_as_of_a_date(history, as_of, expected):
    assert pipeline_counts(Tier.HNTE, as_of) == expected


def test_funnel_page_and_export(client, history, officer, make_user):
    client.force_login(officer)
    page = client.get(reverse("cultivation:funnel")).content.decode()
    assert "60.0%" in page and "40.0%" in page and "66.7%" in page
    response = client.get(reverse("cultivation:funnel") + "?export=xlsx")
    values = table_rows(response.content)
    assert values[1][1:6] == (2021, 5, 3, 2, 2) and values[2][1:4] == (2022, 2, 1)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "分年度培育漏斗" and sheet.cell(5, 7).number_format == "0.0%"
    client.force_login(make_user("enterprise"))
    assert client.get(reverse("cultivation:funnel")).status_code == 403
