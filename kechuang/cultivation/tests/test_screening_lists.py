"""遴选 candidates and the 免申即享 list, read from the latest screening."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kechuang.cultivation import screening, services
from kechuang.cultivation.choices import Stage, Tier
from kechuang.cultivation.models import Enrollment
from kechuang.policy.models import ScreeningResult, ScreeningRun

D = dt.date
AS_OF = D(2022, 6, 30)


@pytest.fixture
def screened():
    """`screened({(enterprise, tier): (status, gap_count)})`: a screening run as of 2022-06-30."""

    def make(outcomes, as_of=AS_OF):
        now = timezone.now()
        run = ScreeningRun.objects.create(as_of=as_of, started=now, finished=now)
        for (enterprise, tier), (status, gaps) in outcomes.items():
            ScreeningResult.objects.create(
                run=run, enterprise=enterprise, ruleset_key=tier, ruleset_version="2016", as_of=as_of,
                status=status, score=70 if status == "eligible" else 55, gap_count=gaps, criteria=[],
                gaps=[{"criterion": "rd", "message": f"研发费用还需增加 {i + 1}0 万元", "change": {}} for i in range(gaps)],
            )
        return run

    return make


def names(results):
    return sorted((r.enterprise.name, r.ruleset_key) for r in results)


def test_free_benefit_membership(make_enterprise, screened, certificate, officer):
    e = {name: make_enterprise(name) for name in ("甲", "乙", "丙", "丁", "戊", "己", "庚")}
    e["外"] = make_enterprise("外", region_id="110101001")
    e["迁"] = make_enterprise("迁", status="moved_out")
    screened({
        (e["外"], Tier.HNTE): ("eligible", 0),      # out: registered outside the district
        (e["迁"], Tier.HNTE): ("eligible", 0),      # out: moved out of the district
        (e["甲"], Tier.HNTE): ("eligible", 0),      # in: eligible, no certificate, not applied
        (e["乙"], Tier.HNTE): ("eligible", 0),      # out: holds a valid 高企 certificate
        (e["丙"], Tier.HNTE): ("eligible", 0),      # in: its certificate expired before the screening date
        (e["丁"], Tier.HNTE): ("eligible", 0),      # out: applied (open enrollment)
        (e["戊"], Tier.HNTE): ("eligible", 0),      # in: exited the pipeline earlier, so not applied now
        (e["己"], Tier.HNTE): ("ineligible", 1),    # out: not eligible
        (e["庚"], Tier.TSME): ("eligible", 0),      # in: eligible for 国科小 ...
        (e["乙"], Tier.TSME): ("eligible", 0),      # in: a 高企 certificate says nothing about 国科小
    })
    certificate(e["乙"], issued=D(2021, 12, 1), expires=D(2024, 11, 30))
    certificate(e["丙"], issued=D(2019, 6, 1), expires=D(2022, 5, 31))
    services.select_candidates([e["丁"]], Tier.HNTE, 2022, officer, on=D(2022, 7, 1))
    [gone] = services.select_candidates([e["戊"]], Tier.HNTE, 2022, officer, on=D(2022, 7, 1))
    services.exit_pipeline([gone], "企业暂无申报意愿", officer, D(2022, 7, 2))
    assert names(screening.free_benefits()) == [
        ("丙", Tier.HNTE), ("乙", Tier.TSME), ("庚", Tier.TSME), ("戊", Tier.HNTE), ("甲", Tier.HNTE),
    ]


def test_only_the_latest_screening_counts(make_enterprise, screened):
    a, b = make_enterprise("甲"), make_enterprise("乙")
    screened({(a, Tier.HNTE): ("eligible", 0)}, as_of=D(2021, 6, 30))
    screened({(b, Tier.HNTE): ("eligible", 0), (a, Tier.HNTE): ("ineligible", 3)})
    assert names(screening.free_benefits()) == [("乙", Tier.HNTE)]


def test_candidates_are_eligible_under_review_or_within_reach_and_not_yet_in(make_enterprise, screened, officer):
    e = {name: make_enterprise(name) for name in ("甲", "乙", "丙", "丁", "戊", "己")}
    screened({
        (e["甲"], Tier.HNTE): ("eligible", 0),
        (e["己"], Tier.HNTE): ("needs_review", 0),  # figures pass; the experts' score decides
        (e["乙"], Tier.HNTE): ("ineligible", 2),
        (e["丙"], Tier.HNTE): ("ineligible", 3),   # too far
        (e["丁"], Tier.HNTE): ("ineligible", 1),   # already selected
        (e["戊"], Tier.DENGLING): ("eligible", 0),  # another tier
    })
    services.select_candidates([e["丁"]], Tier.HNTE, 2022, officer, on=D(2022, 7, 1))
    assert names(screening.candidates(Tier.HNTE)) == [("乙", Tier.HNTE), ("己", Tier.HNTE), ("甲", Tier.HNTE)]


def test_selection_keeps_the_screening_and_its_gaps(make_enterprise, screened, officer, client):
    enterprise = make_enterprise("甲")
    screened({(enterprise, Tier.HNTE): ("ineligible", 2)})
    client.force_login(officer)
    page = client.get(reverse("cultivation:candidates", args=[Tier.HNTE])).content.decode()
    assert "研发费用还需增加 20 万元" in page
    client.post(reverse("cultivation:action"), {
        "action": "select_enrol", "ids": [enterprise.pk], "tier": Tier.HNTE, "year": 2022, "officer": officer.pk,
    })
    row = Enrollment.objects.get(enterprise=enterprise)
    assert (row.stage, row.officer, row.gap_count, row.screened_on) == (Stage.ENROLLED, officer, 2, AS_OF)
    assert row.gaps == ["研发费用还需增加 10 万元", "研发费用还需增加 20 万元"]
    # A selection dated before the screening cannot have used it.
    other = make_enterprise("乙")
    screened({(other, Tier.HNTE): ("eligible", 0)})
    [early] = services.select_candidates([other], Tier.HNTE, 2022, officer, on=D(2022, 1, 5))
    assert early.screened_on is None and early.gaps == []


def test_free_benefit_page_states_the_definition_and_exports(make_enterprise, screened, officer, client):
    screened({(make_enterprise("甲"), Tier.HNTE): ("eligible", 0)})
    client.force_login(officer)
    page = client.get(reverse("cultivation:free_benefits")).content.decode()
    assert "甲" in page and "已申请" in page
    response = client.get(reverse("cultivation:free_benefits") + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_stored_waiting_counts_follow_the_candidates_lists(make_enterprise, screened, certificate, officer):
    e = {name: make_enterprise(name) for name in ("甲", "乙", "丙")}
    screened({(firm, Tier.HNTE): ("eligible", 0) for firm in e.values()})

    def waiting_matches_the_list() -> int:
        count = screening.waiting().get(Tier.HNTE, 0)
        assert count == screening.candidates(Tier.HNTE).count()
        return count

    assert waiting_matches_the_list() == 3
    # A selection writes its enrollments in bulk; the stored count must still learn of it.
    [selected] = services.select_candidates([e["甲"]], Tier.HNTE, 2022, officer, on=D(2022, 7, 1))
    assert waiting_matches_the_list() == 2
    certificate(e["乙"], issued=D(2021, 12, 1), expires=D(2024, 11, 30))
    assert waiting_matches_the_list() == 1
    services.exit_pipeline([selected], "企业暂无申报意愿", officer, D(2022, 7, 2))
    assert waiting_matches_the_list() == 2
    # A newer screening is counted as soon as it has finished.
    screened({(e["丙"], Tier.HNTE): ("ineligible", 3)})
    assert waiting_matches_the_list() == 0
