"""Innovation points (创新积分): the indicator system read from data/innovation-points.yaml and scored for
every enterprise of a year at once. Each source is one aggregate query over the registry (no query per
firm); the scoring is Polars arithmetic over the joined frame, so 20,000 firms take about as long as 20.
The explanation of one firm is the same computation restricted to it: points depend on the firm's own
figures only (value ÷ reference value), never on the others', so the two always agree."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import polars as pl
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Q, Sum

from kechuang.finance.choices import GrowthStage

SYSTEM_FILE = Path(__file__).resolve().parent / "data" / "innovation-points.yaml"
STAGES = tuple(GrowthStage.values)
FLAGS = ("serious_dishonesty", "abnormal_operation", "major_incident", "research_misconduct")
YEAR_SOURCES = ("rd_expense", "revenue", "employees", "tech_staff", "high_tech_revenue")
# Every source an indicator may name: the registry figure (or aggregate) it is computed from.
SOURCES = (*YEAR_SOURCES, "rd_ratio", "tech_staff_ratio", "revenue_growth", "invention_patents", "class2_ip",
           "tech_contracts", "rd_institutions", "standards", "equity_financing", "certificates", "awards",
           "projects", "competitions")
UNITS = ("万元", "ratio", "人", "项", "个")


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    category: str
    source: str
    unit: str
    reference: float
    weights: dict
    verified: bool


@dataclass(frozen=True)
class Deduction:
    id: str
    label: str
    flag: str
    points: float
    verified: bool


@dataclass(frozen=True)
class System:
    name: str
    version: str
    basis: str
    sources: tuple
    notes: tuple
    stage_years: dict  # stage -> "younger than N years" (the last stage has none)
    stage_labels: dict
    categories: tuple  # (id, label, verified)
    indicators: tuple
    deductions: tuple
    checksum: str

    def category_label(self, category_id):
        return next(label for cid, label, _ in self.categories if cid == category_id)


def _fail(where, message):
    raise ImproperlyConfigured(f"{SYSTEM_FILE.name}: {where}: {message}")


def parse(text: str) -> System:
    """The indicator system in the file's text; a mistake names the key and stops start-up."""
    data = yaml.safe_load(text)
    stages = data.get("stages") or {}
    if tuple(stages) != STAGES:
        _fail("stages", f"must list {', '.join(STAGES)} in that order")
    categories, indicators = [], []
    for ci, category in enumerate(data.get("categories") or []):
        categories.append((category["id"], category["label"], bool(category.get("verified", False))))
        for ii, item in enumerate(category.get("indicators") or []):
            where = f"categories[{ci}].indicators[{ii}]"
            if item.get("source") not in SOURCES:
                _fail(where, f"unknown source {item.get('source')!r} (one of {', '.join(SOURCES)})")
            if item.get("unit") not in UNITS:
                _fail(where, f"unit must be one of {', '.join(UNITS)}")
            reference = item.get("reference")
            if not isinstance(reference, (int, float)) or reference <= 0:
                _fail(where, "reference must be a positive number")
            weights = item.get("weights") or {}
            if set(weights) != set(STAGES) or any(not isinstance(w, (int, float)) or w < 0 for w in weights.values()):
                _fail(where, f"weights needs a non-negative number for each of {', '.join(STAGES)}")
            indicators.append(Indicator(item["id"], item["label"], category["id"], item["source"], item["unit"],
                                        float(reference), dict(weights), bool(item.get("verified", False))))
    if len({i.id for i in indicators}) != len(indicators):
        _fail("categories", "indicator ids must be unique")
    deductions = []
    for di, item in enumerate(data.get("deductions") or []):
        if item.get("flag") not in FLAGS:
            _fail(f"deductions[{di}]", f"flag must be one of {', '.join(FLAGS)}")
        deductions.append(Deduction(item["id"], item["label"], item["flag"], float(item["points"]),
                                    bool(item.get("verified", False))))
    return System(
        name=data["name"], version=str(data["version"]), basis=data.get("basis", ""),
        sources=tuple(data.get("sources") or ()), notes=tuple(data.get("notes") or ()),
        stage_years={key: value.get("below_years") for key, value in stages.items()},
        stage_labels={key: value["label"] for key, value in stages.items()},
        categories=tuple(categories), indicators=tuple(indicators), deductions=tuple(deductions),
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )


@lru_cache(maxsize=1)
def system() -> System:
    return parse(SYSTEM_FILE.read_text(encoding="utf-8"))


# ---- the registry's figures for a year, one aggregate query per source ------------------------------------

def _frame(rows, schema) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def _float(value):
    return None if value is None else float(value)


def figures(year: int, enterprises) -> pl.DataFrame:
    """One row per enterprise of `enterprises` (a queryset) with every source's value for `year`."""
    from kechuang.registry.models import (Award, Certificate, CompetitionPrize, IntellectualProperty, Investment,
                                          Project, RDInstitution, Standard, YearlyData)
    from kechuang.techmarket.models import TechContract

    end = dt.date(year, 12, 31)
    ids = enterprises.values("pk")
    base = _frame(list(enterprises.order_by("pk").values_list("pk", "established", *FLAGS)),
                  {"id": pl.Int64, "established": pl.Date, **{f: pl.Boolean for f in FLAGS}})

    def per_firm(queryset, owner, schema, **aggregates):
        rows = queryset.filter(**{f"{owner}__in": ids}).order_by().values(owner).annotate(**aggregates).values_list(owner, *aggregates)
        return _frame([(r[0], *(_float(v) for v in r[1:])) for r in rows], {"id": pl.Int64, **{k: pl.Float64 for k in schema}})

    this = _frame([(r[0], *(_float(v) for v in r[1:])) for r in YearlyData.objects.filter(year=year, enterprise__in=ids)
                   .values_list("enterprise_id", *YEAR_SOURCES)], {"id": pl.Int64, **{f: pl.Float64 for f in YEAR_SOURCES}})
    last = _frame([(r[0], _float(r[1])) for r in YearlyData.objects.filter(year=year - 1, enterprise__in=ids)
                   .values_list("enterprise_id", "revenue")], {"id": pl.Int64, "revenue_before": pl.Float64})
    ip = per_firm(IntellectualProperty.objects.valid_on(end), "owners", ("invention_patents", "class2_ip"),
                  invention_patents=Count("pk", filter=Q(kind_id="invention_patent")),
                  class2_ip=Count("pk", filter=Q(kind__ip_class="II")))
    recent = {"year__gte": year - 2, "year__lte": year}
    parts = [
        ip,
        per_firm(TechContract.objects.registered().filter(registered_on__year=year), "seller", ("tech_contracts",),
                 tech_contracts=Sum("amount")),
        per_firm(RDInstitution.objects.filter(Q(recognised__isnull=True) | Q(recognised__lte=end)), "enterprise",
                 ("rd_institutions",), rd_institutions=Count("pk")),
        per_firm(Standard.objects.filter(year__lte=year), "enterprise", ("standards",), standards=Count("pk")),
        per_firm(Investment.objects.filter(date__year=year), "enterprise", ("equity_financing",), equity_financing=Sum("amount")),
        per_firm(Certificate.objects.valid_on(end), "enterprise", ("certificates",), certificates=Count("kind", distinct=True)),
        per_firm(Award.objects.filter(**recent), "enterprise", ("awards",), awards=Count("pk")),
        per_firm(Project.objects.filter(**recent), "enterprise", ("projects",), projects=Count("pk")),
        per_firm(CompetitionPrize.objects.filter(**recent), "enterprise", ("competitions",), competitions=Count("pk")),
    ]
    frame = base.join(this, on="id", how="left").join(last, on="id", how="left")
    counted = []
    for part in parts:
        frame = frame.join(part, on="id", how="left")
        counted += [c for c in part.columns if c != "id"]
    return frame.with_columns(
        [pl.col(c).fill_null(0.0) for c in counted]
        + [
            (pl.col("rd_expense") / pl.col("revenue")).alias("rd_ratio"),
            (pl.col("tech_staff") / pl.col("employees")).alias("tech_staff_ratio"),
            (pl.col("revenue") / pl.col("revenue_before") - 1.0).alias("revenue_growth"),
        ]
    ).with_columns(
        # a ratio over a zero base has no value (never infinite)
        [pl.when(pl.col(c).is_finite()).then(pl.col(c)).otherwise(None).alias(c) for c in ("rd_ratio", "tech_staff_ratio", "revenue_growth")]
    )


def stage_bounds(year: int, sys: System) -> list[tuple[str, dt.date | None]]:
    """(stage, founded after this date) in order; the last stage takes everyone older. A firm without a
    founding date counts as growing (stated in the file's notes)."""
    end = dt.date(year, 12, 31)
    return [(stage, None if sys.stage_years[stage] is None else end.replace(year=year - sys.stage_years[stage]))
            for stage in STAGES]


def growth_stage(established, year: int, sys: System | None = None) -> str:
    sys = sys or system()
    if established is None:
        return GrowthStage.GROWTH.value
    return next(stage for stage, after in stage_bounds(year, sys) if after is None or established > after)


def stage_expr(year: int, sys: System) -> pl.Expr:
    expr = pl.when(pl.col("established").is_null()).then(pl.lit(GrowthStage.GROWTH.value))
    for stage, after in stage_bounds(year, sys):
        expr = expr.when(pl.lit(True) if after is None else pl.col("established") > pl.lit(after)).then(pl.lit(stage))
    return expr.otherwise(pl.lit(STAGES[-1]))


def score(frame: pl.DataFrame, year: int, sys: System | None = None) -> pl.DataFrame:
    """Points per indicator (`p|<id>`), per category, the deductions, the total and the rank."""
    sys = sys or system()
    frame = frame.with_columns(stage_expr(year, sys).alias("stage"))
    points = []
    for ind in sys.indicators:
        weight = pl.lit(0.0)
        for stage in reversed(STAGES):
            weight = pl.when(pl.col("stage") == stage).then(pl.lit(float(ind.weights[stage]))).otherwise(weight)
        share = (pl.col(ind.source).fill_null(0.0) / ind.reference).clip(0.0, 1.0)
        points.append((share * weight).round(2).alias(f"p|{ind.id}"))
    frame = frame.with_columns(points)
    categories = [
        pl.sum_horizontal([pl.col(f"p|{i.id}") for i in sys.indicators if i.category == cid]).round(2).alias(cid)
        for cid, _, _ in sys.categories
    ]
    deduction = pl.sum_horizontal(
        [pl.when(pl.col(d.flag)).then(pl.lit(d.points)).otherwise(pl.lit(0.0)) for d in sys.deductions] or [pl.lit(0.0)]
    ).alias("deduction")
    frame = frame.with_columns(categories + [deduction])
    gross = pl.sum_horizontal([pl.col(cid) for cid, _, _ in sys.categories])
    frame = frame.with_columns((gross - pl.col("deduction")).clip(0.0, None).round(2).alias("total"))
    return frame.with_columns(pl.col("total").rank(method="min", descending=True).cast(pl.Int64).alias("rank"))


def compute(year: int, enterprises) -> pl.DataFrame:
    return score(figures(year, enterprises), year)


def _fmt(value, unit):
    if value is None:
        return None
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


def explanation(row: dict, sys: System | None = None) -> dict:
    """One scored row as people read it: each indicator's figure, reference, weight and points, by category."""
    sys = sys or system()
    stage = row["stage"]
    groups = []
    for cid, label, verified in sys.categories:
        lines = []
        for ind in (i for i in sys.indicators if i.category == cid):
            value = row.get(ind.source)
            weight = ind.weights[stage]
            got = row[f"p|{ind.id}"]
            lines.append({
                "id": ind.id, "label": ind.label, "value": value, "value_text": _fmt(value, ind.unit) or "未填报",
                "reference_text": _fmt(ind.reference, ind.unit), "weight": weight, "points": got, "verified": ind.verified,
                "text": f"{ind.label} {_fmt(value, ind.unit) or '未填报'}，满分参考值 {_fmt(ind.reference, ind.unit)}，"
                        f"权重 {weight:g} 分，得 {got:g} 分",
            })
        groups.append({"id": cid, "label": label, "verified": verified, "points": row[cid], "lines": lines})
    deductions = [{"label": d.label, "points": d.points, "verified": d.verified} for d in sys.deductions if row.get(d.flag)]
    return {"stage": stage, "stage_label": sys.stage_labels[stage], "categories": groups, "deductions": deductions,
            "deduction": row["deduction"], "total": row["total"], "rank": row.get("rank")}


def to_decimal(value) -> Decimal:
    return Decimal(str(round(float(value), 2)))
