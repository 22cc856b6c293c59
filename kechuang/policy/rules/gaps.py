"""Gaps: for each failing criterion on the cheapest path to eligibility, the smallest change to the
profile that makes it pass, as a Chinese message and a machine-readable ``change``.

The search is numeric and re-evaluates the criterion itself, so a reported change always passes
when applied (``profile.apply_change``): exponential search for a passing amount, then bisection
down to the unit (0.01 万元, one person, one IP item).
"""
from __future__ import annotations

from .criteria import Bands, Group, Ref, ScoreCheck, Threshold
from .measures import Ctx
from .vocab import FIELD_LABELS, MONEY_FIELDS

MAX_UNITS = {"money": 2 ** 42, "people": 2 ** 24, "ip": 4096}


def _fmt(x: float) -> str:
    """万元 as a bureau writes them: grouped by three, at most two decimals (1,234.5)."""
    s = f"{x:,.2f}".rstrip("0").rstrip(".")
    return s or "0"


def modify(np, spec, n, as_of):
    """Copy of a normalised profile with ``n`` units applied (negative = decrease)."""
    new = dict(np)
    if spec.kind == "ip":
        new["ip"] = list(np["ip"]) + [
            {"kind": spec.ip_kind, "number": f"GAP-{i}", "granted": as_of, "expires": None,
             "status": "valid", "acquired_by": "self"} for i in range(n)]
        return new
    year = as_of.year + spec.offset
    years = dict(np["years"])
    row = dict(years.get(year) or {})
    for f in (spec.field,) + tuple(spec.coupled):
        cur = row.get(f)
        if cur is None:
            if f != spec.field:
                continue
            cur = 0
        val = cur + n
        if val < 0:
            return None
        row[f] = val if f in MONEY_FIELDS else float(val)
    years[year] = row
    new["years"] = years
    return new


def search(check, limit):
    n = 1
    while not check(n):
        n *= 2
        if n > limit:
            return None
    lo, hi = n // 2, n
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if check(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _unit_kind(spec):
    if spec.kind == "ip":
        return "ip"
    return "money" if spec.field in MONEY_FIELDS else "people"


def change_of(spec, n, as_of):
    if spec.kind == "ip":
        return {"add_ip": {spec.ip_kind: n}}
    year = as_of.year + spec.offset
    delta = n / 100 if spec.field in MONEY_FIELDS else n
    change = {"year": year, spec.field: delta}
    for f in spec.coupled:
        change[f] = delta
    return change


def message_of(spec, n):
    if spec.kind == "ip":
        cls = {1: "Ⅰ类", 2: "Ⅱ类"}.get(spec.ip_class, "有效")
        return f"还需 {n} 项{cls}知识产权"
    label = FIELD_LABELS[spec.field]
    if spec.field in MONEY_FIELDS:
        amount = f"{_fmt(abs(n) / 100)} 万元"
    else:
        amount = f"{abs(n)} 人"
    return f"{label}还需增加 {amount}" if n > 0 else f"{label}需减少 {amount}"


def merge_changes(changes):
    out = {}
    for ch in changes:
        for k, v in ch.items():
            if k == "year":
                out["year"] = v
            elif k == "add_ip":
                ips = out.setdefault("add_ip", {})
                for kind, n in v.items():
                    ips[kind] = ips.get(kind, 0) + n
            else:
                out[k] = round(out.get(k, 0) + v, 2)
    return out


def _direction(node, r):
    """+1 to raise the figure (a lower bound fails), -1 to lower it (an upper bound fails)."""
    from .criteria import py_cmp
    if isinstance(node, Threshold) and not node.tiered and r.value is not None:
        for op, t in node.comps:
            if op in ("lte", "lt") and py_cmp(r.value, op, t) is False:
                return -1
    if isinstance(node, Threshold) and node.tiered and node.tiered[0] in ("lte", "lt"):
        return -1
    return 1


def _single_leaf_change(node, np, as_of, passes, direction=1):
    spec = node.measure.gap_spec()
    kind = _unit_kind(spec)

    def check(n):
        mod = modify(np, spec, n * direction, as_of)
        return mod is not None and passes(mod)

    n = search(check, MAX_UNITS[kind])
    if n is None:
        return None
    return spec, n * direction


def leaf_gap(ruleset, node, np, as_of, memo):
    if isinstance(node, Ref):
        node = node.target
    if not node.fixable():
        return {"criterion": node.id, "message": f"不满足：{node.label}", "change": None}
    if isinstance(node, ScoreCheck):
        return score_gap(ruleset, node, np, as_of)
    r = memo[node.id]
    direction = _direction(node, r)

    def passes(mod):
        return node.single(Ctx(mod, as_of), {}).passed is True

    found = _single_leaf_change(node, np, as_of, passes, direction)
    if found is None:
        return {"criterion": node.id, "message": f"无法通过调整单项数据满足：{node.label}", "change": None}
    spec, n = found
    return {"criterion": node.id, "message": message_of(spec, n), "change": change_of(spec, n, as_of)}


def _field_now(np, spec, as_of):
    if spec.kind == "ip":
        return max(1, len(np["ip"]))
    row = np["years"].get(as_of.year + spec.offset) or {}
    v = row.get(spec.field) or 0
    return max(abs(v), 1)


def score_gap(ruleset, node, np, as_of):
    """The score is below the bar: raise band items, the smallest relative change first; if no single
    item suffices, take the biggest gain and look again (at most six steps)."""

    def ok(mod):
        return node.single(Ctx(mod, as_of), {}).passed is not False

    cur = np
    steps = []
    for _ in range(6):
        cands = []
        for order, band in enumerate(ruleset.band_nodes):
            spec = band.measure.gap_spec()
            now = band.single(Ctx(cur, as_of), {})
            if now.value is None:
                continue
            for op, bound, blo, bhi in band.bands:
                if blo <= now.lo:
                    continue
                found = _single_leaf_change(
                    band, cur, as_of, lambda mod, blo=blo, band=band: band.single(Ctx(mod, as_of), {}).lo >= blo)
                if found is None:
                    continue
                spec, n = found
                mod = modify(cur, spec, n, as_of)
                cost = abs(n) / _field_now(cur, spec, as_of)
                cands.append((ok(mod), cost, blo - now.lo, order, spec, n, mod))
        if not cands:
            break
        passing = [c for c in cands if c[0]]
        if passing:
            best = min(passing, key=lambda c: (c[1], c[3]))
            steps.append(best)
            msgs = "；".join(message_of(s[4], s[5]) for s in steps)
            change = merge_changes([change_of(s[4], s[5], as_of) for s in steps])
            op, bar = node.comps[0]
            lo, hi = ruleset.score_single(Ctx(np, as_of), {})
            short = bar - hi + (1 if op == "gt" else 0)
            sym = "高于" if op == "gt" else "不低于"
            return {"criterion": node.id,
                    "message": f"综合得分还差 {short} 分（需{sym} {bar} 分）：{msgs}",
                    "change": change}
        best = max(cands, key=lambda c: (c[2] / max(c[1], 1e-9), -c[3]))
        steps.append(best)
        cur = best[6]
    return {"criterion": node.id, "message": f"无法通过调整可量化指标满足：{node.label}", "change": None}


def find_gaps(ruleset, np, as_of, memo):
    gaps = []

    def walk(node):
        target = node.target if isinstance(node, Ref) else node
        r = memo[target.id]
        if r.passed is not False:
            return
        if isinstance(target, Group):
            if target.mode == "all":
                for c in target.children:
                    walk(c)
            else:
                costs = [ruleset.cost_single(c, memo) for c in target.children]
                walk(target.children[costs.index(min(costs))])
            return
        gaps.append(leaf_gap(ruleset, target, np, as_of, memo))

    walk(ruleset.root)
    return gaps


__all__ = ["find_gaps", "Bands"]
