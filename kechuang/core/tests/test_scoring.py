from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kechuang.core.scoring import Criterion, Party, aggregate, check_criteria, check_scores, conflict_of_interest, rank, weighted_total

CRITERIA = [
    Criterion("innovation", "创新性", Decimal(40), maximum=Decimal(10)),
    Criterion("feasibility", "可行性", Decimal(60)),
]


def test_weighted_total_reads_out_of_a_hundred_whatever_the_ranges():
    assert weighted_total(CRITERIA, {"innovation": Decimal(10), "feasibility": Decimal(100)}) == Decimal("100.00")
    assert weighted_total(CRITERIA, {"innovation": Decimal(5), "feasibility": Decimal(80)}) == Decimal("68.00")


def test_a_score_outside_its_range_names_the_criterion_and_the_range():
    with pytest.raises(ValidationError, match="创新性") as error:
        check_scores(CRITERIA, {"innovation": 11, "feasibility": 50})
    assert "10" in str(error.value)
    with pytest.raises(ValidationError):
        check_scores(CRITERIA, {"innovation": "NaN", "feasibility": 50})
    with pytest.raises(ValidationError):
        check_scores(CRITERIA, {"innovation": 5})
    with pytest.raises(ValidationError):
        check_scores(CRITERIA, {"innovation": 5, "feasibility": 5, "extra": 1})
    assert check_scores(CRITERIA, {"innovation": "7.5", "feasibility": 0}) == {"innovation": Decimal("7.5"), "feasibility": Decimal(0)}


def test_criteria_need_distinct_keys_and_positive_weights():
    with pytest.raises(ValidationError):
        check_criteria([CRITERIA[0], CRITERIA[0]])
    with pytest.raises(ValidationError):
        check_criteria([Criterion("a", "A", Decimal(0))])
    check_criteria(CRITERIA)


def test_four_scores_are_averaged_and_five_lose_their_highest_and_lowest():
    assert aggregate([80, 90, 70, 60]).value == Decimal("75.00")
    five = aggregate([80, 90, 70, 60, 100])
    assert (five.value, five.method, five.dropped) == (Decimal("80.00"), "trimmed_mean", (Decimal(100), Decimal(60)))
    assert aggregate([]).value is None


def test_ties_share_a_rank_and_unscored_items_come_last():
    items = [("a", 90), ("b", 95), ("c", 90), ("d", None), ("e", 80)]
    assert [(position, name) for position, (name, _) in rank(items, lambda item: item[1])] == [
        (1, "b"), (2, "a"), (2, "c"), (4, "e"), (0, "d"),
    ]


def test_a_reviewer_from_a_party_or_with_a_declared_conflict_is_excluded():
    parties = [Party(frozenset({"天津某科技有限公司", "91120116MA0000000X"})), Party(frozenset({"天津大学"}))]
    assert "天津大学" in conflict_of_interest(["天津大学"], [], parties)
    assert "91120116MA0000000X" in conflict_of_interest(["南开大学"], ["91120116MA0000000X"], parties)
    assert conflict_of_interest(["南开大学"], [""], parties) is None
