"""A compiled rule set: evaluation of one profile (with explanation and gaps) and the Polars plan
that evaluates many profiles at once."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import polars as pl

from .criteria import (COST_BLOCKED, Bands, Expert, Group, MaxOf, Node, Ref, ScoreCheck, SumCap,
                       Threshold, jsonable)
from .measures import Ctx
from .profile import normalize

STATUS_BY_PASSED = {True: "eligible", False: "ineligible", None: "needs_review"}


@dataclass
class RuleSet:
    key: str
    version: str
    name: str
    issuer: str
    document_number: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    sources: list
    notes: list
    certificate_kind: str | None
    root: Node
    score_items: list
    score_max: int | None
    body: dict = field(repr=False, default_factory=dict)
    path: str | None = None

    def __post_init__(self):
        self.nodes = {}
        self.order = []
        seen = set()

        def walk(n):
            if isinstance(n, Ref) or id(n) in seen:
                return
            seen.add(id(n))
            for c in n.children:
                walk(c)
            if n.id:
                self.nodes[n.id] = n
            if n.in_output:
                self.order.append(n)

        # tree first (in reading order, children before parents), then the score items
        walk(self.root)
        for item in self.score_items:
            walk(item)
        self.tree_nodes = []
        seen2 = set()

        def walk_tree(n):
            if id(n) in seen2:
                return
            seen2.add(id(n))
            for c in (n.children if isinstance(n, Group) else []):
                walk_tree(c)
            self.tree_nodes.append(n)

        walk_tree(self.root)
        for n in self.nodes.values():
            if isinstance(n, ScoreCheck):
                n.ruleset = self

        def verified(n):
            if isinstance(n, Ref):
                return n.target.verified
            if isinstance(n, Group):
                n.verified = all(verified(c) for c in n.children)
            return n.verified

        verified(self.root)
        self.band_nodes = [n for n in self._score_descendants() if isinstance(n, Bands) and n.fixable()]

    def _score_descendants(self):
        out = []

        def walk(n):
            out.append(n)
            for c in n.children:
                walk(c)

        for item in self.score_items:
            walk(item)
        return out

    # ------------------------------------------------------------------------------------------
    @property
    def checksum(self):
        return hashlib.sha256(json.dumps(self.body, sort_keys=True, default=str,
                                         ensure_ascii=False).encode()).hexdigest()

    def effective_on(self, d: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= d) and (
            self.effective_to is None or d <= self.effective_to)

    def counts(self):
        leaves = [n for n in self.nodes.values() if not isinstance(n, Group)]
        verified = sum(1 for n in leaves if n.verified)
        return {"criteria": len(leaves), "verified": verified, "provisional": len(leaves) - verified}

    def meta(self):
        return {"key": self.key, "version": self.version, "name": self.name, "issuer": self.issuer,
                "document_number": self.document_number,
                "effective_from": jsonable(self.effective_from), "effective_to": jsonable(self.effective_to),
                "sources": list(self.sources), "notes": list(self.notes), **self.counts()}

    # ---- single evaluation -------------------------------------------------------------------
    def score_single(self, ctx, memo):
        if not self.score_items:
            return 0, 0
        lo = hi = 0
        for item in self.score_items:
            r = item.res(ctx, memo)
            lo += r.lo
            hi += r.hi
        return lo, hi

    def cost_single(self, node, memo):
        r = memo[node.target.id if isinstance(node, Ref) else node.id]
        if r.passed is not False:
            return 0
        if isinstance(node, Group):
            costs = [self.cost_single(c, memo) for c in node.children]
            return sum(costs) if node.mode == "all" else min(costs)
        return 1 if node.fixable() else COST_BLOCKED

    def crit_dict(self, node, as_of, passed, value, threshold, lo, hi, y0, y1):
        if not node.dynamic_threshold:
            threshold = node.static_threshold(as_of)
        points = None
        if node.has_points:
            points = lo if lo == hi else [lo, hi]
        year = None if y0 is None else (y0 if y0 == y1 else [y0, y1])
        has_value = node.measure is not None
        return {
            "id": node.id, "label": node.label, "passed": passed, "value": jsonable(value),
            "threshold": threshold, "op": node.op_symbol(), "points": points, "year": year,
            "source": node.source(), "basis": node.basis, "verified": bool(node.verified),
            "missing": bool(has_value and value is None),
            # What the figure is (money, people, ratio, count, date…) and what the node is (a threshold,
            # a points band, a capped sum…), so that pages can write the figure with its unit.
            "measure": node.measure.kind if has_value else None, "node": node.kind,
        }

    def evaluate(self, profile, as_of, *, gaps=True, normalized=False):
        np = profile if normalized else normalize(profile)
        if isinstance(as_of, str):
            as_of = dt.date.fromisoformat(as_of)
        ctx = Ctx(np, as_of)
        memo = {}
        root = self.root.res(ctx, memo)
        for n in self.order:
            n.res(ctx, memo)
        criteria = []
        for n in self.order:
            r = memo[n.id]
            criteria.append(self.crit_dict(n, as_of, r.passed, r.value, r.threshold, r.lo, r.hi, r.y0, r.y1))
        score, score_range = self._score_fields(*self.score_single(ctx, memo))
        cost = self.cost_single(self.root, memo)
        result = {
            "uscc": np.get("uscc"), "ruleset": self.key, "version": self.version,
            "as_of": as_of.isoformat(), "status": STATUS_BY_PASSED[root.passed],
            "score": score, "score_range": score_range,
            "gap_count": cost % COST_BLOCKED, "fixable": cost < COST_BLOCKED,
            "criteria": criteria, "gaps": [],
        }
        if gaps and root.passed is False:
            from .gaps import find_gaps
            result["gaps"] = find_gaps(self, np, as_of, memo)
        return result

    def _score_fields(self, lo, hi):
        if not self.score_items:
            return None, None
        if lo == hi:
            return lo, None
        return None, [lo, hi]

    # ---- bulk evaluation ---------------------------------------------------------------------
    def measures(self):
        out = {}
        for n in self.nodes.values():
            for m in ([n.measure] if n.measure is not None else []) + (
                    [n.tiered[1]] if isinstance(n, Threshold) and n.tiered else []):
                out.setdefault(m.key(), m)
        return out

    def bases(self):
        out = {}
        for m in self.measures().values():
            for b in m.bases():
                out[b.name] = b
        return out

    def list_measures(self):
        from .measures import ListAgg
        return [m for m in self.measures().values() if isinstance(m, ListAgg)]

    def bulk_plan(self, lf: pl.LazyFrame, as_of: dt.date, *, summary=False) -> pl.LazyFrame:
        """Add this rule set's columns to a flattened frame and select the outputs (``summary``:
        only status, score and gap cost, without the per-criterion columns)."""
        Y = as_of.year
        mcols = {}
        mexprs = []
        ycols = {}
        for i, (key, m) in enumerate(self.measures().items()):
            e, y0, y1 = m.bulk(Y)
            name = f"#m{i}"
            mcols[key] = name
            mexprs.append(e.alias(name))
            if m.dynamic_years:
                mexprs.append(y0.alias(name + "y0"))
                mexprs.append(y1.alias(name + "y1"))
                ycols[key] = (name + "y0", name + "y1")
        lf = lf.with_columns(mexprs)

        # stages: every node after its dependencies
        stage = {}
        score_total_deps = list(self.score_items)

        def st(n):
            if isinstance(n, Ref):
                return st(n.target)
            if n.id in stage:
                return stage[n.id]
            if isinstance(n, ScoreCheck):
                s = 1 + max((st(i) for i in score_total_deps), default=0) + 1
            else:
                s = 1 + max((st(c) for c in n.children), default=0)
            stage[n.id] = s
            return s

        for n in self.nodes.values():
            st(n)
        score_stage = 1 + max((st(i) for i in score_total_deps), default=0)
        by_stage = {}
        for n in self.nodes.values():
            by_stage.setdefault(stage[n.id], []).extend(n.bulk_exprs(Y, as_of, mcols))
        if self.score_items:
            by_stage.setdefault(score_stage, []).extend([
                pl.sum_horizontal([pl.col(i.col("lo")) for i in self.score_items]).alias("_score_lo"),
                pl.sum_horizontal([pl.col(i.col("hi")) for i in self.score_items]).alias("_score_hi"),
            ])
        else:
            by_stage.setdefault(score_stage, []).extend([pl.lit(0).alias("_score_lo"), pl.lit(0).alias("_score_hi")])
        for s in sorted(by_stage):
            lf = lf.with_columns(by_stage[s])

        # path costs, children first, one batch per depth
        done = set()
        cost_levels = {}

        def depth(n):
            t = n.target if isinstance(n, Ref) else n
            if isinstance(t, Group):
                return 1 + max(depth(k) for k in t.children)
            return 0

        for n in self.tree_nodes:
            target = n.target if isinstance(n, Ref) else n
            c = target.col("c")
            if c in done:
                continue
            done.add(c)
            failing = pl.col(target.col("p")) == False  # noqa: E712 - a Polars expression
            if isinstance(target, Group):
                kids = [pl.col((k.target if isinstance(k, Ref) else k).col("c")) for k in target.children]
                agg = pl.sum_horizontal(kids) if target.mode == "all" else pl.min_horizontal(kids)
            else:
                agg = pl.lit(1 if target.fixable() else COST_BLOCKED)
            cost_levels.setdefault(depth(target), []).append(
                pl.when(failing).then(agg).otherwise(0).cast(pl.Int64).alias(c))
        for level in sorted(cost_levels):
            lf = lf.with_columns(cost_levels[level])
        root_p = pl.col(self.root.col("p"))
        lf = lf.with_columns(
            pl.when(root_p).then(pl.lit("eligible")).when(~root_p).then(pl.lit("ineligible"))
            .otherwise(pl.lit("needs_review")).alias("status"),
            pl.col(self.root.col("c")).alias("gap_cost"),
        )
        keep = ["idx", "status", "gap_cost", "_score_lo", "_score_hi"]
        for n in ([] if summary else self.order):
            keep.append(n.col("p"))
            if n.measure is not None:
                keep.append(n.col("v"))
                if n.measure.dynamic_years:
                    keep.extend(ycols[n.measure.key()])
            if n.has_points:
                keep.extend([n.col("lo"), n.col("hi")])
            if n.dynamic_threshold:
                keep.append(n.col("t"))
        return lf.select(keep)

    def results_from_frame(self, df: pl.DataFrame, as_of: dt.date, usccs=None) -> list[dict]:
        """Turn the bulk output into result dicts (same shape as ``evaluate`` without gaps);
        ``usccs[idx]`` gives each row's code."""
        cols = {c: df.get_column(c).to_list() for c in df.columns}
        mkeys = {k: i for i, k in enumerate(self.measures())}
        out = []
        for i in range(df.height):
            criteria = []
            lo_s, hi_s = cols["_score_lo"][i], cols["_score_hi"][i]
            for n in self.order:
                p = cols[n.col("p")][i]
                value = n.measure.out(cols[n.col("v")][i]) if n.measure is not None else None
                if isinstance(n, ScoreCheck):
                    value = lo_s if lo_s == hi_s else [lo_s, hi_s]
                y0 = y1 = None
                if n.measure is not None:
                    if n.measure.dynamic_years:
                        name = f"#m{mkeys[n.measure.key()]}"
                        y0, y1 = cols[name + "y0"][i], cols[name + "y1"][i]
                    else:
                        _, y0, y1 = n.measure.bulk(as_of.year)
                lo = cols[n.col("lo")][i] if n.has_points else None
                hi = cols[n.col("hi")][i] if n.has_points else None
                t = cols[n.col("t")][i] if n.dynamic_threshold else None
                criteria.append(self.crit_dict(n, as_of, p, value, t, lo, hi, y0, y1))
            score, score_range = self._score_fields(lo_s, hi_s)
            cost = cols["gap_cost"][i]
            out.append({
                "uscc": usccs[cols["idx"][i]] if usccs is not None else None, "ruleset": self.key, "version": self.version,
                "as_of": as_of.isoformat(), "status": cols["status"][i],
                "score": score, "score_range": score_range,
                "gap_count": cost % COST_BLOCKED, "fixable": cost < COST_BLOCKED,
                "criteria": criteria, "gaps": [],
            })
        return out


__all__ = ["RuleSet", "Expert", "MaxOf", "SumCap"]
