"""Profile validation against the shipped schema, result schema, and gaps that really pass."""
import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.policy.rules import ProfileError, apply_change, default_registry, evaluate, validate_profile
from kechuang.policy.rules.profile import load_schema

from .factories import AS_OF, profile
from .strategies import AS_OFS, profiles

RULESETS = default_registry().current()


@pytest.mark.parametrize("mutate, field", [
    (lambda p: p.pop("uscc"), "uscc"),
    (lambda p: p["years"][1].__setitem__("employees", "many"), "years[1].employees"),
    (lambda p: p["years"][0].__setitem__("rd_expense", -5), "years[0].rd_expense"),
    (lambda p: p.__setitem__("established", "2016-13-40"), "established"),
    (lambda p: p["ip"][0].__setitem__("kind", "trademark"), "ip[0].kind"),
    (lambda p: p.__setitem__("colour", "blue"), "colour"),
    (lambda p: p["years"].append(dict(p["years"][0])), "years[3].year"),
    (lambda p: p["flags"].__setitem__("major_incident", "no"), "flags.major_incident"),
])
def test_invalid_profile_names_the_field(mutate, field):
    p = profile()
    mutate(p)
    with pytest.raises(ProfileError) as info:
        validate_profile(p)
    assert info.value.field == field


def test_result_matches_shipped_schema():
    schema = load_schema("result")
    for rs in RULESETS:
        jsonschema.validate(json.loads(json.dumps(evaluate(profile(), rs, AS_OF))), schema)


def test_profile_example_from_the_issue_is_valid():
    validate_profile(profile())


@st.composite
def cases(draw):
    as_of = draw(st.sampled_from(AS_OFS))
    return as_of, draw(profiles(as_of)), draw(st.sampled_from(RULESETS))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_every_gap_passes_when_applied(case):
    as_of, p, rs = case
    result = rs.evaluate(p, as_of)
    assert len([g for g in result["gaps"] if g["change"] is not None]) <= result["gap_count"] or not result["fixable"]
    for gap in result["gaps"]:
        if gap["change"] is None:
            continue
        after = rs.evaluate(apply_change(p, gap["change"], as_of), as_of, gaps=False)
        c = next(c for c in after["criteria"] if c["id"] == gap["criterion"])
        if c["id"].startswith("score") or c["id"] == "innovation_score":
            assert c["passed"] is not False, gap
        else:
            assert c["passed"] is True, gap


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(AS_OFS).flatmap(profiles))
def test_fast_validator_agrees_with_shipped_schema(p):
    from kechuang.policy.rules.profile import _quick_valid, _validator

    assert _quick_valid(p)
    assert not list(_validator().iter_errors(p))


@pytest.mark.parametrize("mutate", [
    lambda p: p.__setitem__("uscc", 12),
    lambda p: p["years"][0].__setitem__("employees", True),
    lambda p: p["years"][0].__setitem__("year", 1800),
    lambda p: p["ip"][0].__setitem__("granted", "2020/01/01"),
    lambda p: p["ip"][0].pop("kind"),
    lambda p: p.__setitem__("region_code", "12a"),
    lambda p: p.__setitem__("flags", {"other": False}),
    lambda p: p.__setitem__("awards", [{"level": "national", "year": "2020"}]),
])
def test_fast_validator_refuses_what_the_schema_refuses(mutate):
    from kechuang.policy.rules.profile import _quick_valid, _validator

    p = profile()
    mutate(p)
    assert not _quick_valid(p)
    assert list(_validator().iter_errors(p))
    with pytest.raises(ProfileError):
        validate_profile(p)
