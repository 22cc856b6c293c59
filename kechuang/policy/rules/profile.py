"""Enterprise profiles: validation against the shipped JSON Schema, normalisation for the
evaluators, and applying a gap's ``change`` to a profile."""
from __future__ import annotations

import copy
import re
import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

import jsonschema

from kechuang.core import clock

from .errors import ProfileError
from .vocab import FLAGS, IP_KINDS_CLASS_1, LIST_ENUMS, LISTS, MONEY_FIELDS, PEOPLE_FIELDS, SCALAR_FIELDS, to_cents

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


@lru_cache(maxsize=None)
def load_schema(name: str = "profile") -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator():
    return jsonschema.Draft202012Validator(load_schema("profile"))


def _path(parts) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "(profile)"


def _parse_date(value, field):
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ProfileError(field, f"不是有效的日期 (YYYY-MM-DD): {value!r}") from None


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REGION_RE = re.compile(r"^\d{2,12}$")
_INDUSTRY_RE = re.compile(r"^[A-T]?\d{0,4}$")
_TOP = {"uscc", "name", "established", "region_code", "high_tech_domain", "industry_code", "flags", "years",
        "software_certified", "data_source", *LISTS}
_YEAR_KEYS = {"year", "source", *PEOPLE_FIELDS, *MONEY_FIELDS}
_REQUIRED = {"ip": ("kind",), "certificates": ("kind",), "awards": ("level",), "rd_institutions": ("level",),
             "standards": ("level",), "investments": ("amount",), "projects": ("level",),
             "competitions": ("level", "award")}


def _num(v, minimum=None):
    if v is None:
        return True
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    return minimum is None or v >= minimum


def _str(v, pattern=None):
    return v is None or (isinstance(v, str) and (pattern is None or pattern.match(v) is not None))


def _quick_valid(p) -> bool:
    """A fast check that implies validity against the shipped schema (the schema itself is consulted
    only to name the field when this says no)."""
    if not isinstance(p, dict) or not _TOP.issuperset(p):
        return False
    u = p.get("uscc")
    if not isinstance(u, str) or not 1 <= len(u) <= 18:
        return False
    if not (_str(p.get("name")) and _str(p.get("established"), _DATE_RE) and _str(p.get("region_code"), _REGION_RE)
            and _str(p.get("high_tech_domain")) and _str(p.get("industry_code"), _INDUSTRY_RE)
            and _str(p.get("data_source"))):
        return False
    sc = p.get("software_certified")
    if sc is not None and not isinstance(sc, bool):
        return False
    flags = p.get("flags")
    if flags is not None:
        if not isinstance(flags, dict) or not set(FLAGS).issuperset(flags):
            return False
        if any(v is not None and not isinstance(v, bool) for v in flags.values()):
            return False
    years = p.get("years")
    if years is not None:
        if not isinstance(years, list):
            return False
        for y in years:
            if not isinstance(y, dict) or not _YEAR_KEYS.issuperset(y):
                return False
            yr = y.get("year")
            if isinstance(yr, bool) or not isinstance(yr, int) or not 1900 <= yr <= 2200:
                return False
            if not _str(y.get("source")):
                return False
            for f in PEOPLE_FIELDS:
                if not _num(y.get(f), 0):
                    return False
            for f in MONEY_FIELDS:
                if not _num(y.get(f), None if f == "net_assets" else 0):
                    return False
    for name, fields in LISTS.items():
        items = p.get(name)
        if items is None:
            continue
        if not isinstance(items, list):
            return False
        for item in items:
            if not isinstance(item, dict):
                return False
            for f in _REQUIRED[name]:
                if f not in item:
                    return False
            for f, t in fields.items():
                v = item.get(f)
                enum = LIST_ENUMS.get((name, f))
                if enum is not None:
                    if v is not None and v not in enum:
                        return False
                elif t == "date":
                    if not _str(v, _DATE_RE):
                        return False
                elif t == "int":
                    if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
                        return False
                elif t == "money":
                    if not _num(v, 0):
                        return False
                elif not _str(v):
                    return False
    return True


def validate_profile(profile) -> None:
    """Raise ProfileError naming the first invalid field."""
    if not isinstance(profile, dict):
        raise ProfileError("(profile)", "企业画像必须是 JSON 对象")
    if _quick_valid(profile):
        _semantic_checks(profile)
        return
    errors = sorted(_validator().iter_errors(profile), key=lambda e: (len(e.path), list(map(str, e.path))))
    if errors:
        err = errors[0]
        path = list(err.path)
        if err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else "?"
            path = path + [missing]
            raise ProfileError(_path(path), "缺少必填字段")
        if err.validator == "additionalProperties":
            extra = err.message.split("'")[1] if "'" in err.message else "?"
            raise ProfileError(_path(path + [extra]), "未知字段")
        raise ProfileError(_path(path), err.message)
    _semantic_checks(profile)


def _semantic_checks(profile):
    seen = set()
    for i, y in enumerate(profile.get("years") or []):
        if y["year"] in seen:
            raise ProfileError(f"years[{i}].year", f"年度 {y['year']} 重复")
        seen.add(y["year"])
    _parse_date(profile.get("established"), "established")
    for name, fields in LISTS.items():
        for i, item in enumerate(profile.get(name) or []):
            for f, t in fields.items():
                if t == "date":
                    _parse_date(item.get(f), f"{name}[{i}].{f}")


def normalize(profile, *, validate=True) -> dict:
    """The evaluators' view of a profile: dates parsed, money in integer hundredths of 万元,
    headcounts as floats, years keyed by year, missing lists empty."""
    if validate:
        validate_profile(profile)
    out = {
        "uscc": profile.get("uscc"),
        "established": _parse_date(profile.get("established"), "established"),
    }
    for f in SCALAR_FIELDS:
        out[f] = profile.get(f)
    flags = profile.get("flags")
    out["flags"] = {f: (flags or {}).get(f) for f in FLAGS}
    years = {}
    for y in profile.get("years") or []:
        row = {}
        for f in PEOPLE_FIELDS:
            v = y.get(f)
            row[f] = None if v is None else float(v)
        for f in MONEY_FIELDS:
            row[f] = to_cents(y.get(f))
        years[int(y["year"])] = row
    out["years"] = years
    for name, fields in LISTS.items():
        items = []
        for item in profile.get(name) or []:
            row = {}
            for f, t in fields.items():
                v = item.get(f)
                if t == "date":
                    v = _parse_date(v, f"{name}.{f}")
                elif t == "money":
                    v = to_cents(v)
                row[f] = v
            items.append(row)
        out[name] = items
    return out


def apply_change(profile: dict, change: dict | None, as_of=None) -> dict:
    """Return a copy of ``profile`` with a gap's machine-readable change applied.

    ``{"year": 2021, "rd_expense": 38.2}`` adds 38.2 万元 to that year's figure (negative values
    subtract); ``{"add_ip": {"invention_patent": 1}}`` adds that many valid, self-developed items
    granted on the as-of date. Several gaps' changes can be applied one after the other.
    """
    new = copy.deepcopy(profile)
    if not change:
        return new
    as_of = as_of or clock.today()
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    year = change.get("year")
    for key, delta in change.items():
        if key in ("year", "add_ip"):
            continue
        if key not in MONEY_FIELDS and key not in PEOPLE_FIELDS:
            raise ValueError(f"unknown change key {key!r}")
        years = new.setdefault("years", []) or []
        new["years"] = years
        row = next((y for y in years if y.get("year") == year), None)
        if row is None:
            row = {"year": year}
            years.append(row)
        current = row.get(key) or 0
        value = current + delta
        if key in MONEY_FIELDS:
            value = round(value, 2)
        elif float(value).is_integer():
            value = int(value)
        row[key] = value
    for kind, count in (change.get("add_ip") or {}).items():
        ips = new.get("ip") or []
        new["ip"] = ips
        for n in range(int(count)):
            ips.append({"kind": kind, "number": f"GAP-{kind}-{n + 1}", "granted": as_of.isoformat(),
                        "expires": None, "status": "valid", "acquired_by": "self"})
    return new
