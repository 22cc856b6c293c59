"""Rule-set files: YAML → compiled ``RuleSet``. Every refusal names the file, the line and the key."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .criteria import Bands, Expert, Group, MaxOf, Ref, ScoreCheck, SumCap, Threshold
from .errors import RuleSetError
from .measures import (CompoundGrowth, Established, Flag, Growth, ListAgg, NotInProfile, Ratio, Scalar, WindowSum,
                       YearValue)
from .ruleset import RuleSet
from .vocab import (CERT_KINDS, FLAGS, IP_KINDS, IP_KINDS_CLASS_1, IP_KINDS_CLASS_2, LIST_ENUMS, LISTS,
                    MONEY_FIELDS, SCALAR_FIELDS, YEAR_FIELDS)
from .yamlsrc import LDict, LList, load_yaml

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "rulesets"

TOP_REQUIRED = ("key", "version", "name", "issuer", "document_number", "effective_from", "sources", "rule")
TOP_KEYS = set(TOP_REQUIRED) | {"effective_to", "notes", "certificate_kind", "score", "label_en"}
COMMON_KEYS = {"id", "label", "verified", "basis", "note"}
CMP_KEYS = ("gte", "gt", "lte", "lt", "eq", "ne", "in", "not_in", "prefix", "not_prefix")
BAND_OPS = ("gte", "gt", "lte", "lt", "eq")
DATE_BASES = ("as_of", "prev_year_end", "year_start")
# What an `external` figure (one no profile carries) is counted in.
EXTERNAL_UNITS = ("money", "ratio", "bool", "number")


class _Compiler:
    def __init__(self, file):
        self.file = str(file)
        self.ids = {}
        self.refs = []
        self.auto = 0

    def fail(self, msg, container=None, key=None, path=""):
        line = None
        if isinstance(container, LDict):
            line = container.line_of(key) if key is not None else container.line
        elif isinstance(container, LList):
            line = container.line_of(key) if isinstance(key, int) else container.line
        raise RuleSetError(msg, file=self.file, line=line, key=path or (str(key) if key is not None else None))

    def need_map(self, d, path, parent=None, key=None):
        if not isinstance(d, dict):
            self.fail("expected a mapping", parent, key, path)
        return d

    def check_keys(self, d, allowed, path):
        for k in d:
            if k not in allowed:
                self.fail(f"unknown key (allowed: {', '.join(sorted(allowed))})", d, k, f"{path}.{k}")

    # ---- measures -----------------------------------------------------------------------------
    def measure(self, d, path, parent=None, key=None):
        self.need_map(d, path, parent, key)
        if len(d) != 1:
            self.fail("a measure has exactly one key (year, sum, growth, cagr, ratio, field, flag, established, "
                      "ip_count, cert_valid, count, max, external)", parent if parent is not None else d, key, path)
        (kind, arg), = d.items()
        p = f"{path}.{kind}"
        if kind == "year":
            if isinstance(arg, str):
                arg = LDict(field=arg)
                arg.line, arg.key_lines = d.line, {}
            self.need_map(arg, p, d, kind)
            self.check_keys(arg, {"field", "offset"}, p)
            f = self.year_field(arg.get("field"), arg, p)
            off = arg.get("offset", -1)
            if not isinstance(off, int) or off > 0 or off < -10:
                self.fail("offset must be an integer between -10 and 0", arg, "offset", f"{p}.offset")
            return YearValue(f, off)
        if kind == "sum":
            self.need_map(arg, p, d, kind)
            self.check_keys(arg, {"field", "years"}, p)
            f = self.year_field(arg.get("field"), arg, p)
            n = arg.get("years")
            if not isinstance(n, int) or not 1 <= n <= 10:
                self.fail("years must be an integer 1..10", arg, "years", f"{p}.years")
            return WindowSum(f, n)
        if kind == "growth":
            f = arg if isinstance(arg, str) else (arg or {}).get("field")
            return Growth(self.year_field(f, d, p))
        if kind == "cagr":
            self.need_map(arg, p, d, kind)
            self.check_keys(arg, {"field", "years"}, p)
            f = self.year_field(arg.get("field"), arg, p)
            n = arg.get("years")
            if not isinstance(n, int) or not 2 <= n <= 10:
                self.fail("years must be an integer 2..10", arg, "years", f"{p}.years")
            return CompoundGrowth(f, n)
        if kind == "external":
            self.need_map(arg, p, d, kind)
            self.check_keys(arg, {"name", "label", "unit"}, p)
            name, label, unit = arg.get("name"), arg.get("label"), arg.get("unit", "money")
            if not isinstance(name, str) or not name.replace("_", "").isalnum() or not label:
                self.fail("external needs a name (letters, digits, _) and a label", d, kind, p)
            if unit not in EXTERNAL_UNITS:
                self.fail(f"unit must be one of {', '.join(EXTERNAL_UNITS)}", arg, "unit", f"{p}.unit")
            return NotInProfile(name, str(label), unit)
        if kind == "ratio":
            self.need_map(arg, p, d, kind)
            self.check_keys(arg, {"num", "den", "coupled"}, p)
            if "num" not in arg or "den" not in arg:
                self.fail("ratio needs num and den", d, kind, p)
            num = self.measure(arg["num"], f"{p}.num", arg, "num")
            den = self.measure(arg["den"], f"{p}.den", arg, "den")
            for m, k in ((num, "num"), (den, "den")):
                if m.kind not in ("money", "people"):
                    self.fail("ratio terms must be yearly money or headcount figures", arg, k, f"{p}.{k}")
            if num.kind != den.kind:
                self.fail("ratio terms must have the same unit", arg, "den", f"{p}.den")
            coupled = bool(arg.get("coupled", False))
            return Ratio(num, den, coupled)
        if kind == "field":
            if arg not in SCALAR_FIELDS:
                self.fail(f"unknown field {arg!r} (one of {', '.join(SCALAR_FIELDS)})", d, kind, p)
            return Scalar(arg, "bool" if arg == "software_certified" else "str")
        if kind == "flag":
            if arg not in FLAGS:
                self.fail(f"unknown flag {arg!r} (one of {', '.join(FLAGS)})", d, kind, p)
            return Flag(arg)
        if kind == "established":
            return Established()
        if kind == "ip_count":
            arg = arg or LDict()
            self.need_map(arg, p, d, kind)
            self.check_keys(arg, {"class", "kinds", "acquired_by"}, p)
            conds = []
            kinds = None
            if "class" in arg:
                if arg["class"] not in (1, 2):
                    self.fail("class must be 1 or 2", arg, "class", f"{p}.class")
                kinds = IP_KINDS_CLASS_1 if arg["class"] == 1 else IP_KINDS_CLASS_2
            if "kinds" in arg:
                kinds = self.enum_list(arg["kinds"], IP_KINDS, arg, "kinds", f"{p}.kinds")
            if kinds is not None:
                conds.append(("kind", "in", tuple(kinds)))
            if "acquired_by" in arg:
                acq = self.enum_list(arg["acquired_by"], LIST_ENUMS[("ip", "acquired_by")], arg,
                                     "acquired_by", f"{p}.acquired_by")
                conds.append(("acquired_by", "in", tuple(acq)))
            return ListAgg("ip", conds)
        if kind == "cert_valid":
            kinds = self.enum_list(arg, CERT_KINDS, d, kind, p)
            return ListAgg("certificates", [("kind", "in", tuple(kinds))])
        if kind in ("count", "max"):
            self.need_map(arg, p, d, kind)
            self.check_keys(arg, {"list", "where", "field"}, p)
            lst = arg.get("list")
            if lst not in LISTS:
                self.fail(f"unknown list {lst!r} (one of {', '.join(LISTS)})", arg, "list", f"{p}.list")
            conds = self.where(lst, arg.get("where") or LDict(), f"{p}.where", arg)
            if kind == "max":
                f = arg.get("field")
                if f not in LISTS[lst] or LISTS[lst][f] not in ("money", "int"):
                    self.fail("max needs a numeric field of the list", arg, "field", f"{p}.field")
                return ListAgg(lst, conds, "max", f)
            return ListAgg(lst, conds)
        self.fail(f"unknown measure {kind!r}", d, kind, p)

    def year_field(self, f, container, path):
        if f not in YEAR_FIELDS:
            self.fail(f"unknown yearly field {f!r} (one of {', '.join(YEAR_FIELDS)})", container, "field",
                      f"{path}.field")
        return f

    def enum_list(self, value, allowed, container, key, path):
        vals = value if isinstance(value, list) else [value]
        for i, v in enumerate(vals):
            if v not in allowed:
                self.fail(f"unknown value {v!r} (one of {', '.join(allowed)})", container, key, path)
        return tuple(vals)

    def where(self, lst, w, path, parent):
        self.need_map(w, path, parent, "where")
        conds = []
        for f, v in w.items():
            fp = f"{path}.{f}"
            if f not in LISTS[lst]:
                self.fail(f"unknown field of {lst}", w, f, fp)
            ftype = LISTS[lst][f]
            allowed = LIST_ENUMS.get((lst, f))
            if isinstance(v, dict):
                for op, bound in v.items():
                    if op == "rel":
                        if ftype != "int" or not (isinstance(bound, list) and len(bound) == 2):
                            self.fail("rel: [from, to] needs a year field", v, op, f"{fp}.rel")
                        conds.append((f, "gte", ("rel", int(bound[0]))))
                        conds.append((f, "lte", ("rel", int(bound[1]))))
                    elif op in ("gte", "gt", "lte", "lt"):
                        if bound == "as_of" and ftype == "date":
                            conds.append((f, op, "as_of"))
                        elif isinstance(bound, (int, float)) and not isinstance(bound, bool):
                            if ftype == "money":
                                bound = int(round(bound * 100))
                            conds.append((f, op, bound))
                        else:
                            self.fail("bound must be a number (or as_of for dates)", v, op, f"{fp}.{op}")
                    else:
                        self.fail("unknown operator (rel, gte, gt, lte, lt)", v, op, f"{fp}.{op}")
            elif isinstance(v, list):
                if allowed:
                    self.enum_list(v, allowed, w, f, fp)
                conds.append((f, "in", tuple(v)))
            else:
                if allowed:
                    self.enum_list(v, allowed, w, f, fp)
                conds.append((f, "eq", v))
        return conds

    # ---- nodes --------------------------------------------------------------------------------
    def common(self, d, path, need_id=True, need_label=True):
        nid = d.get("id")
        if nid is None:
            if need_id:
                self.fail("missing id", d, None, f"{path}.id")
            self.auto += 1
            nid = f"_g{self.auto}"
        if not isinstance(nid, str) or not nid.replace("_", "").isalnum():
            self.fail("id must be letters, digits and _", d, "id", f"{path}.id")
        if nid in self.ids:
            self.fail(f"duplicate id {nid!r} (first at line {self.ids[nid]})", d, "id", f"{path}.id")
        self.ids[nid] = d.line_of("id") if isinstance(d, LDict) else None
        label = d.get("label")
        if need_label and not label:
            self.fail("missing label", d, None, f"{path}.label")
        verified = d.get("verified", False)
        if not isinstance(verified, bool):
            self.fail("verified must be true or false", d, "verified", f"{path}.verified")
        return {"id": nid, "label": label, "verified": verified, "basis": d.get("basis"),
                "note": d.get("note"), "line": getattr(d, "line", None)}

    def threshold_value(self, v, path, container, key):
        if isinstance(v, dict):
            self.check_keys(v, {"date", "years", "days"}, path)
            base = v.get("date")
            if base not in DATE_BASES and not isinstance(base, dt.date):
                self.fail(f"date must be one of {', '.join(DATE_BASES)} or a date", v, "date", f"{path}.date")
            for k in ("years", "days"):
                if k in v and not isinstance(v[k], int):
                    self.fail("must be an integer", v, k, f"{path}.{k}")
            return dict(v)
        if key in ("in", "not_in", "prefix", "not_prefix"):
            if not isinstance(v, list) or not v:
                self.fail("expected a non-empty list", container, key, path)
            return tuple(str(x) if key in ("prefix", "not_prefix") else x for x in v)
        if key in ("gte", "gt", "lte", "lt") and (not isinstance(v, (int, float)) or isinstance(v, bool)):
            self.fail("threshold must be a number or a date reference", container, key, path)
        return v

    def node(self, d, path, parent=None, key=None, points_only=False):
        if isinstance(d, str) and not points_only:
            self.fail("expected a mapping (a criterion or an all/any group)", parent, key, path)
        self.need_map(d, path, parent, key)
        if "all" in d or "any" in d:
            if points_only:
                self.fail("a group cannot be a score item", d, "all" if "all" in d else "any", path)
            mode = "all" if "all" in d else "any"
            if "all" in d and "any" in d:
                self.fail("use either all or any, not both", d, "any", path)
            self.check_keys(d, COMMON_KEYS | {mode}, path)
            info = self.common(d, path, need_id=False, need_label=False)
            kids_src = d[mode]
            if not isinstance(kids_src, list) or not kids_src:
                self.fail(f"{mode} needs a non-empty list", d, mode, f"{path}.{mode}")
            kids = [self.node(c, f"{path}.{mode}[{i}]", kids_src, i) for i, c in enumerate(kids_src)]
            return Group(mode, kids, **info)
        if "ref" in d:
            self.check_keys(d, {"ref"}, path)
            r = Ref(None, id=None, label=None)
            self.refs.append((r, d, path))
            return r
        if "score" in d:
            self.check_keys(d, COMMON_KEYS | {"score"}, path)
            info = self.common(d, path)
            comps = self.comps(d["score"], f"{path}.score", d, "score", numeric=True)
            return ScoreCheck(comps, **info)
        if "expert" in d:
            self.check_keys(d, COMMON_KEYS | {"expert"}, path)
            info = self.common(d, path)
            lo, hi = self.range(d["expert"], d, "expert", f"{path}.expert")
            return Expert(lo, hi, **info)
        if "max_of" in d or "sum" in d:
            k = "max_of" if "max_of" in d else "sum"
            self.check_keys(d, COMMON_KEYS | {k, "cap"}, path)
            info = self.common(d, path)
            src = d[k]
            if not isinstance(src, list) or not src:
                self.fail(f"{k} needs a non-empty list", d, k, f"{path}.{k}")
            kids = [self.node(c, f"{path}.{k}[{i}]", src, i, points_only=True) for i, c in enumerate(src)]
            if k == "max_of":
                return MaxOf(kids, **info)
            cap = d.get("cap")
            if cap is not None and not isinstance(cap, int):
                self.fail("cap must be an integer", d, "cap", f"{path}.cap")
            return SumCap(kids, cap, **info)
        if "measure" not in d:
            self.fail("a criterion needs measure (or all/any/ref/score/expert/max_of/sum)", d, None, path)
        if "bands" in d:
            self.check_keys(d, COMMON_KEYS | {"measure", "bands"}, path)
            info = self.common(d, path)
            m = self.measure(d["measure"], f"{path}.measure", d, "measure")
            return Bands(m, self.bands(d["bands"], f"{path}.bands", d), **info)
        if points_only:
            self.fail("a score item needs bands, expert, max_of or sum", d, None, path)
        self.check_keys(d, COMMON_KEYS | {"measure", "tiered"} | set(CMP_KEYS), path)
        info = self.common(d, path)
        m = self.measure(d["measure"], f"{path}.measure", d, "measure")
        if "tiered" in d:
            return Threshold(m, [], tiered=self.tiered(d["tiered"], f"{path}.tiered", d), **info)
        comps = []
        for k in CMP_KEYS:
            if k in d:
                comps.append((k, self.threshold_value(d[k], f"{path}.{k}", d, k)))
        if not comps:
            self.fail(f"a threshold needs one of {', '.join(CMP_KEYS)} (or bands/tiered)", d, None, path)
        return Threshold(m, comps, **info)

    def comps(self, d, path, parent, key, numeric=False):
        self.need_map(d, path, parent, key)
        out = []
        for k, v in d.items():
            if k not in ("gte", "gt", "lte", "lt"):
                self.fail("use gte, gt, lte or lt", d, k, f"{path}.{k}")
            out.append((k, self.threshold_value(v, f"{path}.{k}", d, k)))
        if not out:
            self.fail("empty comparison", parent, key, path)
        return out

    def range(self, v, container, key, path):
        if isinstance(v, int) and not isinstance(v, bool):
            return v, v
        if (not isinstance(v, list) or len(v) != 2 or not all(isinstance(x, int) for x in v)
                or v[0] > v[1]):
            self.fail("points must be an integer or [min, max]", container, key, path)
        return v[0], v[1]

    def bands(self, src, path, parent):
        if not isinstance(src, list) or not src:
            self.fail("bands needs a non-empty list", parent, "bands", path)
        out = []
        for i, b in enumerate(src):
            bp = f"{path}[{i}]"
            self.need_map(b, bp, src, i)
            self.check_keys(b, set(BAND_OPS) | {"points"}, bp)
            ops = [k for k in b if k in BAND_OPS]
            if len(ops) != 1:
                self.fail("a band has exactly one bound (gte, gt, lte, lt or eq)", src, i, bp)
            if "points" not in b:
                self.fail("a band needs points", src, i, f"{bp}.points")
            op = ops[0]
            bound = self.threshold_value(b[op], f"{bp}.{op}", b, op)
            lo, hi = self.range(b["points"], b, "points", f"{bp}.points")
            out.append((op, bound, lo, hi))
        return out

    def tiered(self, d, path, parent):
        self.need_map(d, path, parent, "tiered")
        self.check_keys(d, {"op", "by", "tiers"}, path)
        op = d.get("op", "gte")
        if op not in ("gte", "gt", "lte", "lt"):
            self.fail("op must be gte, gt, lte or lt", d, "op", f"{path}.op")
        by = self.measure(d.get("by"), f"{path}.by", d, "by")
        tiers_src = d.get("tiers")
        if not isinstance(tiers_src, list) or not tiers_src:
            self.fail("tiers needs a non-empty list", d, "tiers", f"{path}.tiers")
        tiers = []
        for i, t in enumerate(tiers_src):
            tp = f"{path}.tiers[{i}]"
            self.need_map(t, tp, tiers_src, i)
            self.check_keys(t, {"gte", "gt", "lte", "lt", "value"}, tp)
            if "value" not in t or not isinstance(t["value"], (int, float)):
                self.fail("a tier needs a numeric value", t, "value", f"{tp}.value")
            ops = [k for k in t if k != "value"]
            if len(ops) > 1:
                self.fail("a tier has at most one bound", t, ops[1], tp)
            if ops:
                tiers.append((ops[0], self.threshold_value(t[ops[0]], f"{tp}.{ops[0]}", t, ops[0]), t["value"]))
            else:
                tiers.append((None, None, t["value"]))
        return (op, by, tiers)

    # ---- the file ------------------------------------------------------------------------------
    def ruleset(self, data):
        if not isinstance(data, LDict):
            raise RuleSetError("the file must be a YAML mapping", file=self.file, line=1)
        for k in data:
            if k not in TOP_KEYS:
                self.fail(f"unknown key (allowed: {', '.join(sorted(TOP_KEYS))})", data, k, k)
        for k in TOP_REQUIRED:
            if k not in data:
                self.fail("missing required key", data, None, k)
        key = data["key"]
        if not isinstance(key, str) or not key.replace("_", "").replace("-", "").isalnum():
            self.fail("key must be letters, digits, - and _", data, "key", "key")
        version = data["version"]
        if not isinstance(version, (str, int)):
            self.fail("version must be a string", data, "version", "version")
        for k in ("effective_from", "effective_to"):
            v = data.get(k)
            if v is not None and not isinstance(v, dt.date):
                self.fail("must be a date (YYYY-MM-DD)", data, k, k)
        sources = data["sources"]
        if isinstance(sources, str):
            sources = [sources]
        if not isinstance(sources, list) or not sources:
            self.fail("sources must be a non-empty list of URLs or citations", data, "sources", "sources")
        notes = data.get("notes") or []
        if isinstance(notes, str):
            notes = [notes]
        cert = data.get("certificate_kind")
        if cert is not None and cert not in CERT_KINDS:
            self.fail(f"unknown certificate kind (one of {', '.join(CERT_KINDS)})", data,
                      "certificate_kind", "certificate_kind")
        score_items = []
        score_max = None
        if "score" in data:
            sc = self.need_map(data["score"], "score", data, "score")
            self.check_keys(sc, {"max", "items"}, "score")
            items = sc.get("items")
            if not isinstance(items, list) or not items:
                self.fail("score.items needs a non-empty list", sc, "items", "score.items")
            score_items = [self.node(it, f"score.items[{i}]", items, i, points_only=True)
                           for i, it in enumerate(items)]
            score_max = sc.get("max")
        root = self.node(data["rule"], "rule", data, "rule")
        for r, d, path in self.refs:
            target_id = d["ref"]
            target = next((n for n in _walk(score_items) if n.id == target_id), None)
            if target is None:
                self.fail(f"ref {target_id!r} names no score item", d, "ref", f"{path}.ref")
            r.target = target
        has_score_check = any(isinstance(n, ScoreCheck) for n in _walk([root]))
        if has_score_check and not score_items:
            self.fail("a score check needs a score section", data, "rule", "rule")
        if isinstance(root, Group) is False:
            root = Group("all", [root], id="_root", label=None)
        return RuleSet(
            key=key, version=str(version), name=str(data["name"]), issuer=str(data["issuer"]),
            document_number=str(data["document_number"]), effective_from=data.get("effective_from"),
            effective_to=data.get("effective_to"), sources=[str(s) for s in sources],
            notes=[str(n) for n in notes], certificate_kind=cert, root=root, score_items=score_items,
            score_max=score_max, body=_plain(data), path=self.file)


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n.children)


def _plain(v):
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def compile_text(text: str, file="<string>") -> RuleSet:
    data = load_yaml(text, file)
    return _Compiler(file).ruleset(data)


def load_file(path) -> RuleSet:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RuleSetError(f"not UTF-8 text: {exc}", file=path) from exc
    return compile_text(text, path)


def load_dir(path) -> list[RuleSet]:
    return [load_file(p) for p in sorted(Path(path).glob("*.yaml")) + sorted(Path(path).glob("*.yml"))]


__all__ = ["compile_text", "load_file", "load_dir", "BUILTIN_DIR", "MONEY_FIELDS", "Established", "Flag",
           "Scalar"]
