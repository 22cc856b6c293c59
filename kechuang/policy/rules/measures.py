"""Measures: the figures a criterion looks at. Each measure computes its value two ways, for one
profile (``single``) and as a Polars expression over the flattened frame (``bulk``); the two are
written side by side so they stay the same arithmetic.

Internal units: money in integer hundredths of 万元 (exact sums), headcounts as floats, ratios as
floats. ``out`` turns an internal value into the reported one (money back to 万元).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import polars as pl

from .vocab import FIELD_LABELS, IP_KINDS, IP_KINDS_CLASS_1, IP_KINDS_CLASS_2, LISTS, MONEY_FIELDS, to_cents

NULL_F = pl.lit(None, dtype=pl.Float64)
NULL_I = pl.lit(None, dtype=pl.Int64)
NULL_B = pl.lit(None, dtype=pl.Boolean)


@dataclass(frozen=True)
class GapSpec:
    """How a failing criterion on this measure can be fixed by a change to the profile."""

    kind: str  # "year" (a yearly figure) or "ip" (add IP items)
    field: str | None = None
    offset: int = -1
    coupled: tuple = ()
    ip_kind: str | None = None
    ip_class: int | None = None

    @property
    def money(self):
        return self.field in MONEY_FIELDS


# ---------------------------------------------------------------------------------------------
# base columns of the flattened frame (W), shared by all rule sets evaluated together


@dataclass(frozen=True)
class YearBase:
    field: str
    k: int  # years before the application year (1 = last year)

    @property
    def name(self):
        return f"y|{self.field}|{self.k}"


@dataclass(frozen=True)
class ListBase:
    list: str
    conds: tuple  # ((field, op, value), ...)
    op: str  # count | max
    field: str | None = None

    @property
    def name(self):
        digest = hashlib.sha1(json.dumps([self.list, self.conds, self.op, self.field],
                                         default=str).encode()).hexdigest()[:10]
        return f"l|{self.list}|{digest}"


class Measure:
    kind = "number"
    dynamic_years = False

    def key(self):
        raise NotImplementedError

    def single(self, ctx):
        """-> (internal value or None, year_from or None, year_to or None)"""
        raise NotImplementedError

    def bulk(self, Y):
        """-> (expr, y0, y1); y0/y1 are ints/None (static) or expressions (dynamic_years)."""
        raise NotImplementedError

    def out(self, v):
        if v is not None and self.kind == "money":
            return v / 100
        return v

    def bases(self):
        return []

    def gap_spec(self):
        return None

    def source(self):
        return ""

    def field_label(self):
        return ""


def _est_inc(Y_minus_k):
    return pl.col("_est_year").is_null() | (pl.col("_est_year") <= Y_minus_k)


class YearlyFieldMeasure(Measure):
    """A measure read from one yearly figure; a gap raises that figure in the year `gap_offset` from Y."""

    gap_offset = -1

    def gap_spec(self):
        return GapSpec("year", self.field, self.gap_offset)

    def source(self):
        return f"years.{self.field}"

    def field_label(self):
        return FIELD_LABELS[self.field]


class YearValue(YearlyFieldMeasure):
    def __init__(self, field_, offset=-1):
        self.field = field_
        self.offset = self.gap_offset = offset
        self.kind = "money" if field_ in MONEY_FIELDS else "people"

    def key(self):
        return f"year({self.field},{self.offset})"

    def single(self, ctx):
        year = ctx.Y + self.offset
        row = ctx.years.get(year)
        return (None if row is None else row.get(self.field)), year, year

    def bulk(self, Y):
        year = Y + self.offset
        return pl.col(YearBase(self.field, -self.offset).name), year, year

    def bases(self):
        return [YearBase(self.field, -self.offset)]


class WindowSum(YearlyFieldMeasure):
    """Sum over the last N fiscal years (Y-N .. Y-1), fewer for a firm established inside the window."""

    dynamic_years = True

    def __init__(self, field_, years):
        self.field = field_
        self.n = years
        self.kind = "money" if field_ in MONEY_FIELDS else "people"

    def key(self):
        return f"sum({self.field},{self.n})"

    def single(self, ctx):
        lo, hi = ctx.Y - self.n, ctx.Y - 1
        if ctx.est_year is not None and ctx.est_year > lo:
            lo = ctx.est_year
        if lo > hi:
            return None, None, None
        total = 0
        for year in range(lo, hi + 1):
            row = ctx.years.get(year)
            v = None if row is None else row.get(self.field)
            if v is None:
                return None, lo, hi
            total = total + v
        return total, lo, hi

    def bulk(self, Y):
        total = None
        n_inc = None
        for k in range(1, self.n + 1):
            inc = _est_inc(Y - k)
            term = pl.when(inc).then(pl.col(YearBase(self.field, k).name)).otherwise(0)
            total = term if total is None else total + term
            n_inc = inc.cast(pl.Int32) if n_inc is None else n_inc + inc.cast(pl.Int32)
        has = n_inc > 0
        value = pl.when(has).then(total)
        y0 = pl.when(has).then(pl.max_horizontal(pl.lit(Y - self.n), pl.col("_est_year")))
        y1 = pl.when(has).then(pl.lit(Y - 1))
        return value, y0, y1

    def bases(self):
        return [YearBase(self.field, k) for k in range(1, self.n + 1)]


class Growth(YearlyFieldMeasure):
    """The official growth rate ½(x2/x1 + x3/x2) − 1 over Y-3, Y-2, Y-1 (国科发火〔2016〕195号),
    with its special cases: second-year value 0 → 0; first-year value 0 → last two years only;
    a firm with two years of operation → x3/x2 − 1; one year or less → 0."""

    dynamic_years = True
    kind = "ratio"

    def __init__(self, field_):
        self.field = field_

    def key(self):
        return f"growth({self.field})"

    def single(self, ctx):
        Y = ctx.Y
        lo, hi = Y - 3, Y - 1
        if ctx.est_year is not None and ctx.est_year > lo:
            lo = ctx.est_year
        m = hi - lo + 1
        if m <= 0:
            return 0.0, None, None
        vals = {}
        for year in range(lo, hi + 1):
            row = ctx.years.get(year)
            v = None if row is None else row.get(self.field)
            if v is None:
                return None, lo, hi
            vals[Y - year] = v
        if m == 1:
            return 0.0, lo, hi
        x3, x2 = vals[1], vals[2]
        if x2 == 0:
            return 0.0, lo, hi
        if m == 2 or vals[3] == 0:
            return x3 / x2 - 1.0, lo, hi
        x1 = vals[3]
        return 0.5 * (x2 / x1 + x3 / x2) - 1.0, lo, hi

    def bulk(self, Y):
        c = {k: pl.col(YearBase(self.field, k).name) for k in (1, 2, 3)}
        inc = {k: _est_inc(Y - k) for k in (1, 2, 3)}
        m = inc[1].cast(pl.Int32) + inc[2].cast(pl.Int32) + inc[3].cast(pl.Int32)
        anynull = (inc[1] & c[1].is_null()) | (inc[2] & c[2].is_null()) | (inc[3] & c[3].is_null())
        value = (
            pl.when(m <= 0).then(pl.lit(0.0))
            .when(anynull).then(NULL_F)
            .when(m == 1).then(pl.lit(0.0))
            .when(c[2] == 0).then(pl.lit(0.0))
            .when((m == 2) | (c[3] == 0)).then(c[1] / c[2] - 1.0)
            .otherwise(0.5 * (c[2] / c[3] + c[1] / c[2]) - 1.0)
        )
        has = m > 0
        y0 = pl.when(has).then(pl.max_horizontal(pl.lit(Y - 3), pl.col("_est_year")))
        y1 = pl.when(has).then(pl.lit(Y - 1))
        return value, y0, y1

    def bases(self):
        return [YearBase(self.field, k) for k in (1, 2, 3)]


class CompoundGrowth(YearlyFieldMeasure):
    """Compound annual growth over the last N fiscal years Y-N .. Y-1: (x[Y-1] / x[Y-N]) ** (1 / (N-1)) - 1,
    the 科创属性 and 北交所 reading of 复合增长率 / 增长率. Missing when either end is missing or the first
    year's figure is not positive (a firm without that year has no such rate, literally)."""

    kind = "ratio"

    def __init__(self, field_, years):
        self.field = field_
        self.n = years

    def key(self):
        return f"cagr({self.field},{self.n})"

    def single(self, ctx):
        lo, hi = ctx.Y - self.n, ctx.Y - 1
        first, last = (None if ctx.years.get(y) is None else ctx.years[y].get(self.field) for y in (lo, hi))
        if first is None or last is None or first <= 0:
            return None, lo, hi
        return (last / first) ** (1.0 / (self.n - 1)) - 1.0, lo, hi

    def bulk(self, Y):
        first, last = pl.col(YearBase(self.field, self.n).name), pl.col(YearBase(self.field, 1).name)
        value = pl.when(first.is_null() | last.is_null() | (first <= 0)).then(NULL_F).otherwise(
            (last.cast(pl.Float64) / first.cast(pl.Float64)).pow(1.0 / (self.n - 1)) - 1.0)
        return value, Y - self.n, Y - 1

    def bases(self):
        return [YearBase(self.field, 1), YearBase(self.field, self.n)]


class NotInProfile(Measure):
    """A figure a rule names that the profile format does not carry (a listing standard's 预计市值 or
    净利润). Missing, so its criterion neither passes nor fails and the answer stays for review, unless
    a caller that holds the figure puts it in the normalised profile's ``external`` mapping (in 万元,
    a fraction or a bool) and evaluates that one profile; the bulk path never has it."""

    def __init__(self, name, label, kind):
        self.name = name
        self.label = label
        self.kind = kind

    def key(self):
        return f"external({self.name})"

    def single(self, ctx):
        value = (ctx.p.get("external") or {}).get(self.name)
        return (to_cents(value) if self.kind == "money" else value), None, None

    def bulk(self, Y):
        dtype = {"bool": pl.Boolean, "money": pl.Int64}.get(self.kind, pl.Float64)
        return pl.lit(None, dtype=dtype), None, None

    def source(self):
        return f"external.{self.name}"

    def field_label(self):
        return self.label


class Ratio(Measure):
    kind = "ratio"

    def __init__(self, num, den, coupled=False):
        self.num = num
        self.den = den
        self.coupled = coupled
        self.dynamic_years = num.dynamic_years

    def key(self):
        return f"ratio({self.num.key()},{self.den.key()},{self.coupled})"

    def single(self, ctx):
        n, y0, y1 = self.num.single(ctx)
        d, _, _ = self.den.single(ctx)
        if n is None or d is None or d == 0:
            return None, y0, y1
        return n / d, y0, y1

    def bulk(self, Y):
        n, y0, y1 = self.num.bulk(Y)
        d, _, _ = self.den.bulk(Y)
        value = pl.when(n.is_null() | d.is_null() | (d == 0)).then(NULL_F).otherwise(n / d)
        return value, y0, y1

    def bases(self):
        return self.num.bases() + self.den.bases()

    def gap_spec(self):
        spec = self.num.gap_spec()
        if spec is None:
            return None
        if self.coupled:
            den_spec = self.den.gap_spec()
            return GapSpec(spec.kind, spec.field, spec.offset, coupled=(den_spec.field,))
        return spec

    def source(self):
        return f"{self.num.source()} / {self.den.source()}"

    def field_label(self):
        return self.num.field_label()


class Scalar(Measure):
    def __init__(self, name, kind):
        self.name = name
        self.kind = kind

    def key(self):
        return f"field({self.name})"

    def single(self, ctx):
        return ctx.p.get(self.name), None, None

    def bulk(self, Y):
        return pl.col(self.name), None, None

    def source(self):
        return self.name

    def field_label(self):
        return FIELD_LABELS.get(self.name, self.name)


class Flag(Measure):
    kind = "bool"

    def __init__(self, name):
        self.name = name

    def key(self):
        return f"flag({self.name})"

    def single(self, ctx):
        return ctx.p["flags"].get(self.name), None, None

    def bulk(self, Y):
        return pl.col(f"flag_{self.name}"), None, None

    def source(self):
        return f"flags.{self.name}"


class Established(Measure):
    kind = "date"

    def key(self):
        return "established"

    def single(self, ctx):
        return ctx.p["established"], None, None

    def bulk(self, Y):
        return pl.col("established"), None, None

    def source(self):
        return "established"

    def field_label(self):
        return FIELD_LABELS["established"]


# ---- list aggregates -----------------------------------------------------------------------

def _implicit_conds(list_name):
    """What "valid on D" means for each list (see docs/rules.md)."""
    if list_name == "ip":
        # as IntellectualProperty.objects.valid_on: granted on or before D, status valid, and the
        # expiry date (the first day it no longer counts) after D
        return (("status", "eq", "valid"), ("granted", "lte", "as_of"), ("expires", "gt_or_null", "as_of"))
    if list_name == "certificates":
        return (("issued", "lte_or_null", "as_of"), ("expires", "gte_or_null", "as_of"))
    if list_name in ("awards", "standards", "projects", "competitions"):
        return (("year", "lte_or_null", ("rel", 0)),)
    if list_name == "investments":
        return (("date", "lte_or_null", "as_of"),)
    return ()


def _resolve(value, ctx_as_of):
    if value == "as_of":
        return ctx_as_of
    if isinstance(value, tuple) and value and value[0] == "rel":
        return ctx_as_of.year + value[1]
    return value


def _py_pred(item, conds, as_of):
    for f, op, raw in conds:
        v = item.get(f)
        t = _resolve(raw, as_of)
        if op == "lte_or_null":
            if v is not None and not v <= t:
                return False
            continue
        if op == "gte_or_null":
            if v is not None and not v >= t:
                return False
            continue
        if op == "gt_or_null":
            if v is not None and not v > t:
                return False
            continue
        if v is None:
            return False
        if op == "eq":
            ok = v == t
        elif op == "in":
            ok = v in t
        elif op == "gte":
            ok = v >= t
        elif op == "lte":
            ok = v <= t
        elif op == "gt":
            ok = v > t
        elif op == "lt":
            ok = v < t
        else:  # pragma: no cover - compile() refuses other ops
            raise ValueError(op)
        if not ok:
            return False
    return True


def _pl_pred(conds, as_of):
    expr = None
    for f, op, raw in conds:
        t = _resolve(raw, as_of)
        c = pl.col(f)
        if op == "lte_or_null":
            e = c.is_null() | (c <= t)
        elif op == "gte_or_null":
            e = c.is_null() | (c >= t)
        elif op == "gt_or_null":
            e = c.is_null() | (c > t)
        elif op == "eq":
            e = c == t
        elif op == "in":
            e = (c == t[0]) if len(t) == 1 else c.is_in(list(t))
        elif op == "gte":
            e = c >= t
        elif op == "lte":
            e = c <= t
        elif op == "gt":
            e = c > t
        elif op == "lt":
            e = c < t
        else:  # pragma: no cover
            raise ValueError(op)
        expr = e if expr is None else (expr & e)
    return None if expr is None else expr.fill_null(False)


class ListAgg(Measure):
    def __init__(self, list_name, conds, op="count", field_=None, label=None):
        self.list = list_name
        self.conds = tuple(conds)
        self.op = op
        self.field = field_
        self.kind = "count" if op == "count" else ("money" if LISTS[list_name][field_] == "money" else "number")
        self.label = label

    @property
    def all_conds(self):
        return _implicit_conds(self.list) + self.conds

    def key(self):
        return f"list({self.list},{self.conds},{self.op},{self.field})"

    def base(self):
        return ListBase(self.list, self.conds, self.op, self.field)

    def bases(self):
        return [self.base()]

    def single(self, ctx):
        conds = self.all_conds
        items = [it for it in ctx.p[self.list] if _py_pred(it, conds, ctx.as_of)]
        if self.op == "count":
            return len(items), None, None
        vals = [it.get(self.field) for it in items if it.get(self.field) is not None]
        return (max(vals) if vals else 0), None, None

    def bulk(self, Y):
        return pl.col(self.base().name), None, None

    def implicit_expr(self, as_of):
        return _pl_pred(_implicit_conds(self.list), as_of)

    def agg_expr(self, as_of, implicit=True):
        pred = _pl_pred(self.all_conds if implicit else self.conds, as_of)
        name = self.base().name
        if self.op == "count":
            return (pl.len() if pred is None else pred.sum()).cast(pl.Int64).alias(name)
        values = pl.col(self.field) if pred is None else pl.col(self.field).filter(pred)
        return values.max().alias(name)

    def gap_spec(self):
        if self.list != "ip" or self.op != "count":
            return None
        kinds = None
        cls = None
        for f, op, v in self.conds:
            if f == "kind":
                kinds = v if isinstance(v, (tuple, list)) else (v,)
            elif f != "acquired_by":
                return None
        if kinds is None:
            kinds = IP_KINDS
        if set(kinds) <= set(IP_KINDS_CLASS_1):
            cls = 1
            kind = "invention_patent" if "invention_patent" in kinds else kinds[0]
        elif set(kinds) <= set(IP_KINDS_CLASS_2):
            cls = 2
            kind = "utility_model" if "utility_model" in kinds else kinds[0]
        else:
            kind = "utility_model" if "utility_model" in kinds else kinds[0]
        return GapSpec("ip", ip_kind=kind, ip_class=cls)

    def source(self):
        return self.list


def dateref(spec, as_of: dt.date):
    """Resolve a date threshold {date: as_of|prev_year_end|year_start|YYYY-MM-DD, years, days}."""
    base = spec["date"]
    if base == "as_of":
        d = as_of
    elif base == "prev_year_end":
        d = dt.date(as_of.year - 1, 12, 31)
    elif base == "year_start":
        d = dt.date(as_of.year, 1, 1)
    else:
        d = base if isinstance(base, dt.date) else dt.date.fromisoformat(str(base))
    years = spec.get("years", 0)
    if years:
        try:
            d = d.replace(year=d.year + years)
        except ValueError:  # 29 February
            d = d.replace(year=d.year + years, day=28)
    days = spec.get("days", 0)
    if days:
        d = d + dt.timedelta(days=days)
    return d


@dataclass
class Ctx:
    """One profile (normalised) as of one date."""

    p: dict
    as_of: dt.date
    Y: int = field(init=False)
    est_year: int | None = field(init=False)
    years: dict = field(init=False)

    def __post_init__(self):
        self.Y = self.as_of.year
        est = self.p.get("established")
        self.est_year = est.year if est else None
        self.years = self.p["years"]
