"""The demo's parts run in dependency order, whatever order the apps registered them in."""
import pytest

from kechuang import demo
from kechuang.demo import DemoPart, in_order


def _part(name, *after):
    return DemoPart(name, lambda context: None, after)


def test_parts_run_after_what_they_name_and_otherwise_in_registration_order():
    parts = {p.name: p for p in (_part("plan", "cultivation", "techmarket"), _part("techmarket", "registry"),
                                 _part("cultivation", "registry", "policy"), _part("core"), _part("policy", "registry"),
                                 _part("registry", "core"))}
    names = [p.name for p in in_order(parts)]
    assert names == ["core", "registry", "policy", "cultivation", "techmarket", "plan"]


def test_a_part_after_an_app_that_is_not_installed_still_runs():
    assert [p.name for p in in_order({"vouchers": _part("vouchers", "projects")})] == ["vouchers"]


def test_a_cycle_is_refused_with_its_path():
    parts = {"a": _part("a", "b"), "b": _part("b", "c"), "c": _part("c", "a")}
    with pytest.raises(ValueError, match="a → b → c → a"):
        in_order(parts)


def test_every_installed_app_with_a_demo_module_takes_part():
    names = [p.name for p in in_order(demo.registered())]
    assert names == ["core", "registry", "policy", "cultivation", "techmarket", "plan"]
