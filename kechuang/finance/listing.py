"""The listing standards of each board and the 科创属性 criteria, as policy rule sets
(kechuang/policy/rulesets/listing/*.yaml, compiled by the policy engine), applied to the registry: the
candidates of a screening, and the explanation and gaps of one enterprise or pool entry.

A figure a standard names that the registry does not hold (预计市值, 净利润, 经营活动现金流量净额 …) is an
`external` measure: missing in the registry screening, so its criterion stays for review; a pool entry
supplies its own figures and is evaluated with them. A candidate is suggested for a board when the
registry's facts fail none of the board's criteria and meet every criterion they can check of one of its
standards (a standard that names no registry figure, such as 创业板's first, suggests nobody); a near-miss
one fixable gap away is kept too."""
from __future__ import annotations

from functools import lru_cache

import polars as pl
from django.db import connection, transaction

from kechuang.core import clock
from kechuang.finance.choices import BOARD_RULESETS, Board
from kechuang.policy.rules import Registry, evaluate_frames
from kechuang.policy.rules.criteria import COST_BLOCKED, Group, Ref
from kechuang.policy.rules.loader import BUILTIN_DIR
from kechuang.policy.rules.measures import NotInProfile
from kechuang.policy.rules.profile import normalize
from kechuang.policy.services import frames_for, profile_for, profiles_for

LISTING_DIR = BUILTIN_DIR / "listing"
STANDARDS_GROUP = "standards"
BOARD_BY_RULESET = {key: board for board, key in BOARD_RULESETS.items()}
WITHIN_REACH = 1  # gaps a near-miss may have and still be shown as a candidate (listing is a long way: one)
OP_TEXT = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "为"}
UNIT_TEXT = {"money": "万元", "count": "项", "people": "人", "number": ""}


@lru_cache(maxsize=1)
def registry() -> Registry:
    return Registry([LISTING_DIR])


def ruleset(board: str, as_of=None):
    return registry().get(BOARD_RULESETS[board], as_of=as_of or clock.today())


def screened_boards():
    return [Board(board) for board in BOARD_RULESETS]


def _leaves(node):
    if isinstance(node, Ref):
        return [node.target]
    if isinstance(node, Group):
        return [leaf for child in node.children for leaf in _leaves(child)]
    return [node]


def registry_legs(rs) -> dict[str, list]:
    """Each standard of a rule set -> the criteria in it that registry facts can check."""
    standards = rs.nodes.get(STANDARDS_GROUP)
    if standards is None:
        return {}
    return {std.id: [leaf for leaf in _leaves(std) if not isinstance(leaf.measure, NotInProfile)]
            for std in standards.children}


# ---- one enterprise --------------------------------------------------------------------------------------

def _money(value):
    return None if value is None else float(value)


def _lowest(*values):
    return None if any(v is None for v in values) else min(values)


def _total(*values):
    return None if any(v is None for v in values) else sum(values)


def external_figures(entry) -> dict:
    """The figures the rule sets name as `external`, from a pool entry (None where not entered)."""
    np1, np2, np3 = (_money(entry.net_profit_1), _money(entry.net_profit_2), _money(entry.net_profit_3))
    cf1, cf2, cf3 = (_money(entry.cash_flow_1), _money(entry.cash_flow_2), _money(entry.cash_flow_3))
    roe1, roe2 = _money(entry.roe_1), _money(entry.roe_2)
    return {
        "market_value": _money(entry.market_value), "share_capital_after": _money(entry.share_capital_after),
        "net_profit_1y": np1, "net_profit_min_2y": _lowest(np1, np2), "net_profit_sum_2y": _total(np1, np2),
        "net_profit_min_3y": _lowest(np1, np2, np3), "net_profit_sum_3y": _total(np1, np2, np3),
        "cash_flow_1y": cf1, "cash_flow_sum_3y": _total(cf1, cf2, cf3),
        "roe_1y": roe1, "roe_avg_2y": None if roe1 is None or roe2 is None else (roe1 + roe2) / 2,
        "neeq_innovation_12m": entry.neeq_innovation_12m, "approved_products": entry.approved_products,
    }


def evaluate(enterprise, board: str, as_of=None, external: dict | None = None) -> dict:
    """The board's rule set on the enterprise's registry profile (plus `external` figures), with the
    criteria, gaps and a sentence per criterion."""
    return _evaluate_profile(profile_for(enterprise), board, as_of, external)


def _evaluate_profile(profile: dict, board: str, as_of=None, external: dict | None = None) -> dict:
    as_of = as_of or clock.today()
    rs = ruleset(board, as_of)
    profile = normalize(profile)
    if external:
        profile["external"] = {k: v for k, v in external.items() if v is not None}
    result = rs.evaluate(profile, as_of, normalized=True)
    name = Board(board).label
    for criterion in result["criteria"]:
        criterion["sentence"] = sentence(rs, criterion, rs.name)
    result["board_label"] = name
    result["ruleset_name"], result["document_number"], result["notes"] = rs.name, rs.document_number, rs.notes
    return result


def explain_rows(rows):
    """Screening rows (ListingScreening) with `detail`: the evaluation of each, profiles read in one batch."""
    from kechuang.registry.models import Enterprise

    ids, profiles = profiles_for(Enterprise.objects.filter(pk__in={row.enterprise_id for row in rows}))
    by_id = dict(zip(ids, profiles))
    for row in rows:
        row.detail = _evaluate_profile(by_id[row.enterprise_id], row.board, row.as_of)
    return rows


def open_points(result) -> list[str]:
    """What stands between the firm and the board: the gaps, then the criteria left for review."""
    review = [c["sentence"] for c in result["criteria"] if c["passed"] is None and "sentence" in c
              and c["id"] in _review_leaves(result)]
    return [gap["message"] for gap in result["gaps"]] + review


def _review_leaves(result):
    rs = ruleset(BOARD_BY_RULESET[result["ruleset"]], result["as_of"])
    return {leaf.id for leaf in _leaves(rs.root) if not isinstance(leaf, Group) and leaf.id in rs.nodes
            and not isinstance(leaf.measure, NotInProfile)}


def evaluate_entry(entry, as_of=None) -> dict | None:
    if entry.board not in BOARD_RULESETS:
        return None
    return evaluate(entry.enterprise, entry.board, as_of, external_figures(entry))


def _number(value, kind):
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if kind == "ratio":
        return f"{value * 100:.1f}%".replace(".0%", "%")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    unit = UNIT_TEXT.get(kind, "")
    return f"{text} {unit}".strip()


def sentence(rs, criterion: dict, board_name: str) -> str:
    """“最近三年累计研发投入占累计营业收入比例 4.1%，科创板要求 ≥ 5%”; a group or a figure the registry
    does not hold reads accordingly."""
    node = rs.nodes.get(criterion["id"])
    measure = getattr(node, "measure", None)
    label = criterion["label"]
    if measure is None:
        state = {True: "满足", False: "不满足", None: "待核实"}[criterion["passed"]]
        return f"{label}：{state}"
    kind = measure.kind
    threshold = criterion["threshold"]
    wanted = f"{board_name}要求 {OP_TEXT.get(criterion['op'], criterion['op'] or '')} {_number(threshold, kind)}".rstrip()
    if criterion["value"] is None:
        lacking = "未填报，需核实" if isinstance(measure, NotInProfile) else "企业库无数据"
        return f"{label}{lacking}，{wanted}"
    return f"{label} {_number(criterion['value'], kind)}，{wanted}"


# ---- the registry screening -------------------------------------------------------------------------------

def _suggestion(rs, frame: pl.DataFrame) -> pl.DataFrame:
    legs = {std: leaves for std, leaves in registry_legs(rs).items() if leaves}
    met = {std: pl.all_horizontal([pl.col(leaf.col("p")).fill_null(False) for leaf in leaves]) for std, leaves in legs.items()}
    standard = pl.lit(None, dtype=pl.Utf8)
    for std in reversed(list(met)):
        standard = pl.when(met[std]).then(pl.lit(std)).otherwise(standard)
    return frame.with_columns(
        ((pl.col("status") != "ineligible") & standard.is_not_null()).alias("suggested"),
        standard.alias("standard"),
    )


def screen(as_of=None, enterprises=None) -> dict:
    """Evaluate the district's enterprises against every board's rule set through the vectorised
    evaluator and keep the candidates (suggested, or one fixable gap away). Replaces the last screening."""
    from kechuang.finance.models import ListingScreening
    from kechuang.registry.models import Enterprise

    as_of = as_of or clock.today()
    qs = enterprises if enterprises is not None else Enterprise.objects.in_district()
    pks = list(qs.order_by("pk").values_list("pk", flat=True))
    boards = {BOARD_RULESETS[b]: b for b in screened_boards()}
    rulesets = [ruleset(board, as_of) for board in boards.values()]
    rows, counts = [], {}
    for start in range(0, len(pks), 5000):
        batch = pks[start:start + 5000]
        outcomes = evaluate_frames(frames_for(batch), rulesets, as_of)
        for rs in rulesets:
            frame = _suggestion(rs, outcomes[rs.key])
            keep = frame.filter(pl.col("suggested") | ((pl.col("status") == "ineligible")
                                                      & (pl.col("gap_cost") <= WITHIN_REACH) & (pl.col("gap_cost") > 0)))
            board = boards[rs.key]
            rows += [(batch[idx], board, rs.version, as_of, status, suggested, standard or "", cost % COST_BLOCKED,
                      cost < COST_BLOCKED)
                     for idx, status, suggested, standard, cost in keep.select(
                         "idx", "status", "suggested", "standard", "gap_cost").iter_rows()]
            counts[board] = counts.get(board, 0) + int(frame.get_column("suggested").sum())
    with transaction.atomic():
        ListingScreening.objects.all().delete()
        insert_rows(ListingScreening, SCREENING_COLUMNS, rows)
    return {"as_of": as_of, "enterprises": len(pks), "suggested": counts, "stored": len(rows)}


SCREENING_COLUMNS = ("enterprise_id", "board", "ruleset_version", "as_of", "status", "suggested", "standard", "gap_count",
                     "fixable")


def insert_rows(model, columns, rows) -> None:
    """Derived rows in bulk with one executemany: building a model object and compiling an INSERT per row
    cost more than the screening itself at 20,000 firms."""
    table = connection.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)


def standard_label(board: str, standard_id: str, as_of=None) -> str:
    if not standard_id:
        return ""
    node = ruleset(board, as_of).nodes.get(standard_id)
    return node.label.split("：")[0] if node is not None else standard_id


__all__ = ["evaluate", "evaluate_entry", "screen", "sentence", "registry_legs", "external_figures"]
