"""The public contract of `kechuang evaluate`: JSON or JSON lines in, one JSON result per line out,
exit status 2 with the field named for an invalid profile."""
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .factories import profile

ROOT = Path(__file__).resolve().parents[3]


def run(*args, stdin=None, monkeypatch=None):
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    call_command("evaluate", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_profile_from_a_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile(), ensure_ascii=False, indent=2), encoding="utf-8")
    (result,) = run("tsme", str(path), "--as-of", "2022-06-30")
    assert result["ruleset"] == "tsme" and result["as_of"] == "2022-06-30"
    assert result["status"] in ("eligible", "ineligible", "needs_review")


def test_json_lines_from_stdin(monkeypatch):
    lines = "\n".join(json.dumps(profile(uscc=f"U{i}")) for i in range(3))
    results = run("chuying", "-", "--as-of", "2022-06-30", stdin=lines, monkeypatch=monkeypatch)
    assert [r["uscc"] for r in results] == ["U0", "U1", "U2"]


def test_invalid_profile_exit_2_names_field(monkeypatch):
    bad = profile()
    bad["years"][0]["rd_expense"] = "lots"
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(profile()) + "\n" + json.dumps(bad)))
    with pytest.raises(CommandError) as info:
        call_command("evaluate", "hnte", "-", stdout=io.StringIO())
    assert info.value.returncode == 2
    assert "profile 2" in str(info.value) and "years[0].rd_expense" in str(info.value)


def test_unknown_ruleset_and_bad_date_exit_2(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile()), encoding="utf-8")
    for args in (("nope", str(path)), ("tsme", str(path), "--as-of", "30/06/2022"), ("tsme", str(tmp_path / "missing"))):
        with pytest.raises(CommandError) as info:
            call_command("evaluate", *args, stdout=io.StringIO())
        assert info.value.returncode == 2


def test_console_script_exit_status():
    bad = json.dumps({"uscc": "X", "established": "yesterday"})
    proc = subprocess.run([sys.executable, "-m", "kechuang", "evaluate", "tsme", "-"], input=bad, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "established" in proc.stderr
