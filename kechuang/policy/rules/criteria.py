"""Criteria and groups: the nodes of a rule set. Like measures, each node evaluates one profile
(``single``) and builds Polars expressions for many (``bulk``) side by side."""
from __future__ import annotations

import datetime as dt

import polars as pl

from .measures import NULL_B, dateref

OP_SYMBOL = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<", "eq": "==", "ne": "!=",
             "in": "in", "not_in": "not in", "prefix": "starts with", "not_prefix": "not starts with"}
NUMERIC_OPS = ("gte", "gt", "lte", "lt")
COST_BLOCKED = 1000  # a failing criterion no figure can fix counts this much when choosing a path


def k_and(values):
    res = True
    for v in values:
        if v is False:
            return False
        if v is None:
            res = None
    return res


def k_or(values):
    res = False
    for v in values:
        if v is True:
            return True
        if v is None:
            res = None
    return res


def py_cmp(v, op, t):
    if v is None or t is None:
        return None
    if op == "gte":
        return v >= t
    if op == "gt":
        return v > t
    if op == "lte":
        return v <= t
    if op == "lt":
        return v < t
    if op == "eq":
        return v == t
    if op == "ne":
        return v != t
    if op == "in":
        return v in t
    if op == "not_in":
        return v not in t
    if op == "prefix":
        return any(str(v).startswith(p) for p in t)
    if op == "not_prefix":
        return not any(str(v).startswith(p) for p in t)
    raise ValueError(op)


def pl_cmp(e, op, t):
    if op == "gte":
        r = e >= t
    elif op == "gt":
        r = e > t
    elif op == "lte":
        r = e <= t
    elif op == "lt":
        r = e < t
    elif op == "eq":
        r = e == t
    elif op == "ne":
        r = e != t
    elif op in ("in", "not_in"):
        r = e.is_in(list(t))
        if op == "not_in":
            r = ~r
    elif op in ("prefix", "not_prefix"):
        r = None
        for p in t:
            s = e.str.starts_with(p)
            r = s if r is None else (r | s)
        if op == "not_prefix":
            r = ~r
    else:
        raise ValueError(op)
    return pl.when(e.is_null()).then(NULL_B).otherwise(r)


def internal(measure, t):
    """A threshold in reported units -> the measure's internal unit (money: integer hundredths of
    万元), so both evaluators compare exact integers and never a rounded quotient."""
    if measure is not None and measure.kind == "money" and isinstance(t, (int, float)) \
            and not isinstance(t, bool):
        return int(round(t * 100))
    return t


def passed_from_points(lo, hi):
    if lo > 0:
        return True
    if hi <= 0:
        return False
    return None


def pl_passed_from_points(lo, hi):
    return pl.when(lo > 0).then(pl.lit(True)).when(hi <= 0).then(pl.lit(False)).otherwise(NULL_B)


class R:
    """A node's result for one profile."""

    __slots__ = ("passed", "value", "threshold", "lo", "hi", "y0", "y1", "missing", "raw")

    def __init__(self, passed, value=None, threshold=None, lo=None, hi=None, y0=None, y1=None,
                 missing=False, raw=None):
        self.passed = passed
        self.value = value
        self.threshold = threshold
        self.lo = lo
        self.hi = hi
        self.y0 = y0
        self.y1 = y1
        self.missing = missing
        self.raw = raw


def jsonable(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, tuple):
        return [jsonable(x) for x in v]
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    return v


class Node:
    kind = "node"
    has_points = False
    in_output = True
    measure = None
    dynamic_threshold = False

    def __init__(self, id, label, verified=False, basis=None, note=None, line=None):
        self.id = id
        self.label = label
        self.verified = verified
        self.basis = basis
        self.note = note
        self.line = line
        self.children = []

    # single path ---------------------------------------------------------------------------
    def single(self, ctx, memo):
        raise NotImplementedError

    def res(self, ctx, memo):
        r = memo.get(self.id)
        if r is None:
            r = memo[self.id] = self.single(ctx, memo)
        return r

    # bulk path -----------------------------------------------------------------------------
    def col(self, part):
        return f"{self.id}|{part}"

    def bulk_exprs(self, Y, as_of, mcols):
        """-> list of aliased expressions computing this node's columns from earlier ones."""
        raise NotImplementedError

    def level(self):
        return 1 + max((c.level() for c in self.children), default=0)

    def fixable(self):
        return False

    # presentation -----------------------------------------------------------------------------
    def static_threshold(self, as_of):
        return None

    def op_symbol(self):
        return None

    def source(self):
        return self.measure.source() if self.measure is not None else None


class Threshold(Node):
    kind = "threshold"

    def __init__(self, measure, comps, tiered=None, **kw):
        super().__init__(**kw)
        self.measure = measure
        self.comps = comps  # [(op, value)], value may be a dateref dict
        self.tiered = tiered  # (op, tier_measure, [(op, bound, value) or (None, None, value)])
        self.dynamic_threshold = tiered is not None

    def _resolve(self, t, as_of):
        return dateref(t, as_of) if isinstance(t, dict) else t

    def static_threshold(self, as_of):
        if self.tiered:
            return None
        if len(self.comps) == 1:
            return jsonable(self._resolve(self.comps[0][1], as_of))
        return {op: jsonable(self._resolve(t, as_of)) for op, t in self.comps}

    def op_symbol(self):
        if self.tiered:
            return OP_SYMBOL[self.tiered[0]]
        if len(self.comps) == 1:
            return OP_SYMBOL[self.comps[0][0]]
        return None

    def tier_value_single(self, ctx):
        op, tm, tiers = self.tiered
        tv = tm.single(ctx)[0]
        if tv is None:
            return None
        for top, bound, value in tiers:
            if top is None or py_cmp(tv, top, internal(tm, bound)):
                return value
        return None

    def single(self, ctx, memo):
        raw, y0, y1 = self.measure.single(ctx)
        v = self.measure.out(raw)
        as_of = ctx.as_of
        m = self.measure
        if self.tiered:
            t = self.tier_value_single(ctx)
            passed = py_cmp(raw, self.tiered[0], internal(m, t))
            threshold = t
        else:
            passed = k_and([py_cmp(raw, op, internal(m, self._resolve(t, as_of))) for op, t in self.comps])
            threshold = None
        return R(passed, v, threshold, y0=y0, y1=y1, missing=v is None, raw=raw)

    def bulk_exprs(self, Y, as_of, mcols):
        v = pl.col(mcols[self.measure.key()])
        out = [v.alias(self.col("v"))]
        if self.tiered:
            op, tm, tiers = self.tiered
            tv = pl.col(mcols[tm.key()])
            t = None
            t = ti = None
            for top, bound, value in tiers:
                cond = pl.lit(True) if top is None else pl_cmp(tv, top, internal(tm, bound))
                if t is None:
                    t = pl.when(tv.is_null()).then(pl.lit(None, pl.Float64))
                    ti = pl.when(tv.is_null()).then(pl.lit(None, pl.Float64))
                t = t.when(cond).then(pl.lit(float(value)))
                ti = ti.when(cond).then(pl.lit(float(internal(self.measure, value))))
            t = t.otherwise(pl.lit(None, pl.Float64))
            ti = ti.otherwise(pl.lit(None, pl.Float64))
            out.append(t.alias(self.col("t")))
            out.append(pl_cmp(v, op, ti).alias(self.col("p")))
        else:
            p = None
            for op, tval in self.comps:
                c = pl_cmp(v, op, internal(self.measure, self._resolve(tval, as_of)))
                p = c if p is None else (p & c)
            out.append(p.alias(self.col("p")))
        return out

    def level(self):
        return 1

    def fixable(self):
        ops = [self.tiered[0]] if self.tiered else [op for op, _ in self.comps]
        return self.measure.gap_spec() is not None and all(op in NUMERIC_OPS for op in ops)


class Bands(Node):
    kind = "bands"
    has_points = True

    def __init__(self, measure, bands, **kw):
        super().__init__(**kw)
        self.measure = measure
        self.bands = bands  # [(op, bound, lo, hi)] best first; none matching -> 0
        self.min_all = min([0] + [b[2] for b in bands])
        self.max_all = max([0] + [b[3] for b in bands])

    def static_threshold(self, as_of):
        nonzero = [b for b in self.bands if b[3] > 0]
        return nonzero[-1][1] if nonzero else None

    def op_symbol(self):
        nonzero = [b for b in self.bands if b[3] > 0]
        return OP_SYMBOL[nonzero[-1][0]] if nonzero else None

    def points_of(self, raw):
        if raw is None:
            return self.min_all, self.max_all
        for op, bound, lo, hi in self.bands:
            if py_cmp(raw, op, internal(self.measure, bound)):
                return lo, hi
        return 0, 0

    def single(self, ctx, memo):
        raw, y0, y1 = self.measure.single(ctx)
        v = self.measure.out(raw)
        lo, hi = self.points_of(raw)
        return R(passed_from_points(lo, hi), v, None, lo, hi, y0, y1, missing=v is None, raw=raw)

    def bulk_exprs(self, Y, as_of, mcols):
        v = pl.col(mcols[self.measure.key()])
        lo = pl.when(v.is_null()).then(pl.lit(self.min_all))
        hi = pl.when(v.is_null()).then(pl.lit(self.max_all))
        for op, bound, blo, bhi in self.bands:
            c = pl_cmp(v, op, internal(self.measure, bound))
            lo = lo.when(c).then(pl.lit(blo))
            hi = hi.when(c).then(pl.lit(bhi))
        lo = lo.otherwise(pl.lit(0)).cast(pl.Int64)
        hi = hi.otherwise(pl.lit(0)).cast(pl.Int64)
        return [v.alias(self.col("v")), lo.alias(self.col("lo")), hi.alias(self.col("hi")),
                pl_passed_from_points(lo, hi).alias(self.col("p"))]

    def level(self):
        return 1

    def fixable(self):
        return self.measure.gap_spec() is not None


class Expert(Node):
    kind = "expert"
    has_points = True

    def __init__(self, lo, hi, **kw):
        super().__init__(**kw)
        self.lo_pts = lo
        self.hi_pts = hi

    def single(self, ctx, memo):
        return R(passed_from_points(self.lo_pts, self.hi_pts), None, None, self.lo_pts, self.hi_pts)

    def bulk_exprs(self, Y, as_of, mcols):
        return [pl.lit(self.lo_pts, pl.Int64).alias(self.col("lo")),
                pl.lit(self.hi_pts, pl.Int64).alias(self.col("hi")),
                pl_passed_from_points(pl.lit(self.lo_pts), pl.lit(self.hi_pts)).alias(self.col("p"))]

    def level(self):
        return 1

    def source(self):
        return "expert"


class MaxOf(Node):
    kind = "max_of"
    has_points = True

    def __init__(self, children, **kw):
        super().__init__(**kw)
        self.children = children

    def single(self, ctx, memo):
        rs = [c.res(ctx, memo) for c in self.children]
        lo = max(r.lo for r in rs)
        hi = max(r.hi for r in rs)
        return R(passed_from_points(lo, hi), None, None, lo, hi)

    def bulk_exprs(self, Y, as_of, mcols):
        lo = pl.max_horizontal([pl.col(c.col("lo")) for c in self.children])
        hi = pl.max_horizontal([pl.col(c.col("hi")) for c in self.children])
        return [lo.alias(self.col("lo")), hi.alias(self.col("hi")),
                pl_passed_from_points(lo, hi).alias(self.col("p"))]

    def source(self):
        return None


class SumCap(Node):
    kind = "sum"
    has_points = True

    def __init__(self, children, cap=None, **kw):
        super().__init__(**kw)
        self.children = children
        self.cap = cap

    def single(self, ctx, memo):
        rs = [c.res(ctx, memo) for c in self.children]
        lo = sum(r.lo for r in rs)
        hi = sum(r.hi for r in rs)
        if self.cap is not None:
            lo, hi = min(lo, self.cap), min(hi, self.cap)
        return R(passed_from_points(lo, hi), None, self.cap, lo, hi)

    def bulk_exprs(self, Y, as_of, mcols):
        lo = pl.sum_horizontal([pl.col(c.col("lo")) for c in self.children])
        hi = pl.sum_horizontal([pl.col(c.col("hi")) for c in self.children])
        if self.cap is not None:
            lo = pl.min_horizontal(lo, pl.lit(self.cap))
            hi = pl.min_horizontal(hi, pl.lit(self.cap))
        return [lo.cast(pl.Int64).alias(self.col("lo")), hi.cast(pl.Int64).alias(self.col("hi")),
                pl_passed_from_points(lo, hi).alias(self.col("p"))]

    def static_threshold(self, as_of):
        return self.cap

    def source(self):
        return None


class ScoreCheck(Node):
    """Compares the rule set's total score (a range when expert-judged items are involved)."""

    kind = "score"

    def __init__(self, comps, **kw):
        super().__init__(**kw)
        self.comps = comps
        self.ruleset = None  # set by the compiler

    def static_threshold(self, as_of):
        return self.comps[0][1] if len(self.comps) == 1 else {op: t for op, t in self.comps}

    def op_symbol(self):
        return OP_SYMBOL[self.comps[0][0]] if len(self.comps) == 1 else None

    @staticmethod
    def judge(lo, hi, op, t):
        sure = py_cmp(lo if op in ("gte", "gt") else hi, op, t)
        possible = py_cmp(hi if op in ("gte", "gt") else lo, op, t)
        if sure:
            return True
        if not possible:
            return False
        return None

    def single(self, ctx, memo):
        lo, hi = self.ruleset.score_single(ctx, memo)
        passed = k_and([self.judge(lo, hi, op, t) for op, t in self.comps])
        value = lo if lo == hi else [lo, hi]
        return R(passed, value, None, y0=None)

    def bulk_exprs(self, Y, as_of, mcols):
        lo, hi = pl.col("_score_lo"), pl.col("_score_hi")
        p = None
        for op, t in self.comps:
            sure = pl_cmp(lo if op in ("gte", "gt") else hi, op, t)
            possible = pl_cmp(hi if op in ("gte", "gt") else lo, op, t)
            e = pl.when(sure).then(pl.lit(True)).when(~possible).then(pl.lit(False)).otherwise(NULL_B)
            p = e if p is None else (p & e)
        return [p.alias(self.col("p"))]

    def level(self):
        return 1  # placed after the score total by the evaluator

    def fixable(self):
        return True

    def source(self):
        return "score"


class Group(Node):
    kind = "group"

    def __init__(self, mode, children, **kw):
        super().__init__(**kw)
        self.mode = mode
        self.children = children
        self.in_output = bool(kw.get("label"))

    def single(self, ctx, memo):
        vals = [c.res(ctx, memo).passed for c in self.children]
        return R(k_and(vals) if self.mode == "all" else k_or(vals))

    def bulk_exprs(self, Y, as_of, mcols):
        ps = [pl.col(c.col("p")) for c in self.children]
        e = ps[0]
        for p in ps[1:]:
            e = (e & p) if self.mode == "all" else (e | p)
        return [e.alias(self.col("p"))]

    def source(self):
        return None


class Ref(Node):
    """Uses a score item inside the eligibility tree (its points must not be 0)."""

    kind = "ref"
    in_output = False

    def __init__(self, target, **kw):
        super().__init__(**kw)
        self.target = target

    def res(self, ctx, memo):
        return self.target.res(ctx, memo)

    def col(self, part):
        return self.target.col(part)

    def level(self):
        return 0

    def fixable(self):
        return self.target.fixable()
