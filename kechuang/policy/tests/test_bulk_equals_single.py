"""The vectorised evaluator agrees with the single evaluator on status, score, score range, gap
count and every criterion, for random profiles and all six rule sets."""
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.policy.rules import default_registry, evaluate_bulk

from .strategies import AS_OFS, profiles

RULESETS = default_registry().current()


def _strip(result):
    return {k: v for k, v in result.items() if k != "gaps"}


@st.composite
def batches(draw):
    as_of = draw(st.sampled_from(AS_OFS))
    return as_of, draw(st.lists(profiles(as_of), min_size=1, max_size=8))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batches())
def test_bulk_equals_single(batch):
    as_of, profs = batch
    bulk = evaluate_bulk(profs, RULESETS, as_of)
    for rs in RULESETS:
        assert len(bulk[rs.key]) == len(profs)
        for profile, got in zip(profs, bulk[rs.key]):
            expected = _strip(rs.evaluate(profile, as_of, gaps=False))
            assert _strip(got) == expected, (rs.key, profile)


def test_six_rulesets_are_covered():
    assert sorted(rs.key for rs in RULESETS) == sorted(
        ["tsme", "hnte", "chuying", "dengling", "lingjun_peiyu", "lingjun"])
    assert isinstance(RULESETS[0].effective_from, dt.date)
