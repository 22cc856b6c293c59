"""Rule-set files: refusals name file, line and key; districts add rule sets without code."""
import textwrap

import pytest

from kechuang.policy.rules import Registry, RuleSetError, compile_text, load_file
from kechuang.policy.rules.loader import BUILTIN_DIR

from .factories import AS_OF, profile, year

GOOD = textwrap.dedent("""\
    key: local_award
    version: "2024"
    name: 区科技小巨人
    issuer: 某区科技局
    document_number: 某科发〔2024〕1号
    effective_from: 2024-01-01
    sources: [区政策文件]
    rule:
      all:
        - id: revenue_min
          label: 上一年营业收入不低于500万元
          verified: true
          measure: {year: revenue}
          gte: 500
    """)


def refusal(text, tmp_path, name="bad.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_file(path)
    return info.value


def test_builtin_rulesets_load():
    keys = {rs.key for rs in Registry([BUILTIN_DIR]).all()}
    assert keys == {"tsme", "hnte", "chuying", "dengling", "lingjun_peiyu", "lingjun"}


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    err = refusal(GOOD.replace("  all:\n", "  all: [\n"), tmp_path)
    assert err.file.endswith("bad.yaml")
    assert err.line is not None
    assert "bad.yaml" in str(err) and "line" in str(err)


def test_unknown_key_names_line_and_key(tmp_path):
    err = refusal(GOOD.replace("gte: 500", "gtee: 500"), tmp_path)
    assert err.line == 14
    assert err.key == "rule.all[0].gtee"
    assert str(err).startswith(f"{tmp_path / 'bad.yaml'}, line 14, key 'rule.all[0].gtee'")


def test_bad_threshold_type(tmp_path):
    err = refusal(GOOD.replace("gte: 500", "gte: lots"), tmp_path)
    assert (err.line, err.key) == (14, "rule.all[0].gte")


def test_unknown_field_in_measure(tmp_path):
    err = refusal(GOOD.replace("{year: revenue}", "{year: turnover}"), tmp_path)
    assert err.line == 13 and "turnover" in str(err)


def test_missing_top_level_key(tmp_path):
    err = refusal(GOOD.replace("issuer: 某区科技局\n", ""), tmp_path)
    assert err.key == "issuer" and err.line == 1


def test_duplicate_id(tmp_path):
    dup = GOOD + textwrap.indent(textwrap.dedent("""\
        - id: revenue_min
          label: again
          measure: {year: revenue}
          gte: 1
        """), "    ")
    err = refusal(dup, tmp_path)
    assert err.line == 15 and "duplicate id" in str(err)


def test_bad_band_points(tmp_path):
    text = GOOD + textwrap.dedent("""\
        score:
          items:
            - id: x
              label: x
              measure: {year: employees}
              bands:
                - {gte: 10, points: [5, 1]}
        """)
    err = refusal(text, tmp_path)
    assert err.line == 21 and err.key == "score.items[0].bands[0].points"


def test_district_ruleset_in_extra_folder(tmp_path):
    (tmp_path / "local_award-2024.yaml").write_text(GOOD, encoding="utf-8")
    reg = Registry([BUILTIN_DIR, tmp_path])
    rs = reg.get("local_award")
    assert rs.document_number == "某科发〔2024〕1号"
    p = profile(years=[year(2021, revenue=499.99)])
    r = rs.evaluate(p, AS_OF)
    assert r["status"] == "ineligible"
    assert r["gaps"][0]["message"] == "营业收入还需增加 0.01 万元"
    assert reg.get("tsme").key == "tsme"


def test_same_version_twice_is_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(RuleSetError, match="already defined"):
        Registry([tmp_path])


def test_version_chosen_by_as_of(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD.replace("effective_from: 2024-01-01", "effective_from: 2020-01-01\n"
                                                  "effective_to: 2023-12-31").replace('"2024"', '"2020"'),
                                     encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    reg = Registry([tmp_path])
    assert reg.get("local_award", as_of="2022-06-30").version == "2020"
    assert reg.get("local_award", as_of="2024-06-30").version == "2024"


def test_compile_text_without_file():
    assert compile_text(GOOD).key == "local_award"


def test_a_district_folder_is_read_from_the_setting(tmp_path, settings):
    from kechuang.policy.rules.registry import default_registry

    (tmp_path / "local_award-2024.yaml").write_text(GOOD, encoding="utf-8")
    settings.POLICY_EXTRA_RULESET_DIRS = [str(tmp_path)]
    try:
        assert default_registry(refresh=True).get("local_award").document_number == "某科发〔2024〕1号"
    finally:
        settings.POLICY_EXTRA_RULESET_DIRS = []
        default_registry(refresh=True)
