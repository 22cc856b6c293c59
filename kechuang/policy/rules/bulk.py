"""The vectorised evaluator: profiles flattened to Polars frames, every rule set evaluated over all
of them at once. Produces the same status, score and criteria as ``RuleSet.evaluate`` (a property
test holds the two to it); gap messages are produced by the single evaluator for the rows that need
them (``gap_count`` is computed here)."""
from __future__ import annotations

import datetime as dt

import polars as pl

from .measures import ListBase, YearBase
from .profile import normalize
from .vocab import FLAGS, LISTS, MONEY_FIELDS, PEOPLE_FIELDS

_PL = {"str": pl.Utf8, "int": pl.Int64, "date": pl.Date, "money": pl.Int64}

ENT_SCHEMA = {"idx": pl.Int64, "uscc": pl.Utf8, "established": pl.Date, "region_code": pl.Utf8,
              "industry_code": pl.Utf8, "high_tech_domain": pl.Utf8, "software_certified": pl.Boolean,
              **{f"flag_{f}": pl.Boolean for f in FLAGS}}
YEARS_SCHEMA = {"idx": pl.Int64, "year": pl.Int64, **{f: pl.Float64 for f in PEOPLE_FIELDS},
                **{f: pl.Int64 for f in MONEY_FIELDS}}
LIST_SCHEMAS = {name: {"idx": pl.Int64, **{f: _PL[t] for f, t in fields.items()}}
                for name, fields in LISTS.items()}


def frames_from_normalized(nps) -> dict[str, pl.DataFrame]:
    ent = {k: [] for k in ENT_SCHEMA}
    years = {k: [] for k in YEARS_SCHEMA}
    lists = {name: {k: [] for k in schema} for name, schema in LIST_SCHEMAS.items()}
    for i, p in enumerate(nps):
        ent["idx"].append(i)
        ent["uscc"].append(p.get("uscc"))
        ent["established"].append(p.get("established"))
        for f in ("region_code", "industry_code", "high_tech_domain", "software_certified"):
            ent[f].append(p.get(f))
        for f in FLAGS:
            ent[f"flag_{f}"].append(p["flags"].get(f))
        for year, row in p["years"].items():
            years["idx"].append(i)
            years["year"].append(year)
            for f in PEOPLE_FIELDS + MONEY_FIELDS:
                years[f].append(row.get(f))
        for name, cols in lists.items():
            for item in p[name]:
                cols["idx"].append(i)
                for f in LISTS[name]:
                    cols[f].append(item.get(f))
    out = {"ent": pl.DataFrame(ent, schema=ENT_SCHEMA), "years": pl.DataFrame(years, schema=YEARS_SCHEMA)}
    for name, cols in lists.items():
        out[name] = pl.DataFrame(cols, schema=LIST_SCHEMAS[name])
    return out


def profiles_to_frames(profiles, validate=True) -> dict[str, pl.DataFrame]:
    return frames_from_normalized([normalize(p, validate=validate) for p in profiles])


def build_wide(frames, rulesets, as_of: dt.date) -> pl.LazyFrame:
    """One row per profile with every base column the rule sets need."""
    Y = as_of.year
    bases = {}
    list_measures = {}
    for rs in rulesets:
        bases.update(rs.bases())
        for m in rs.list_measures():
            list_measures.setdefault(m.list, {})[m.base().name] = m
    # only the profile columns some measure reads (strings gathered through every join are costly)
    from .measures import Established, Flag, Scalar
    ent_cols = {"idx", "established"}
    for rs in rulesets:
        for m in rs.measures().values():
            if isinstance(m, Scalar):
                ent_cols.add(m.name)
            elif isinstance(m, Flag):
                ent_cols.add(f"flag_{m.name}")
            elif isinstance(m, Established):
                ent_cols.add("established")
    lf = frames["ent"].lazy().select([c for c in ENT_SCHEMA if c in ent_cols]).with_columns(
        pl.col("established").dt.year().cast(pl.Int64).alias("_est_year"))
    year_bases = [b for b in bases.values() if isinstance(b, YearBase)]
    by_k = {}
    for b in year_bases:
        by_k.setdefault(b.k, []).append(b)
    years = frames["years"].lazy()
    for k, bs in sorted(by_k.items()):
        one = years.filter(pl.col("year") == Y - k).select(
            "idx", *[pl.col(b.field).alias(b.name) for b in bs])
        lf = lf.join(one, on="idx", how="left")
    filled = []
    for name, ms in list_measures.items():
        if not ms:
            continue
        first = next(iter(ms.values()))
        # the list's own validity rule (valid on D) once, then each measure's filter
        valid = frames[name].lazy()
        implicit = first.implicit_expr(as_of)
        if implicit is not None:
            valid = valid.filter(implicit)
        agg = valid.group_by("idx").agg([m.agg_expr(as_of, implicit=False) for m in ms.values()])
        lf = lf.join(agg, on="idx", how="left")
        filled.extend(ms)
    if filled:
        lf = lf.with_columns([pl.col(n).fill_null(0) for n in filled])
    return lf


def evaluate_frames(frames, rulesets, as_of: dt.date, *, chunk_size=None, summary=False) -> dict[str, pl.DataFrame]:
    """Bulk evaluation over flattened frames. Returns one output frame per rule-set key (with
    ``summary``, only idx, uscc, status, gap cost and score columns)."""
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    n = frames["ent"].height
    if chunk_size is None or n <= chunk_size:
        wide = build_wide(frames, rulesets, as_of).collect()
        return {rs.key: rs.bulk_plan(wide.lazy(), as_of, summary=summary).collect() for rs in rulesets}
    parts = {rs.key: [] for rs in rulesets}
    for start in range(0, n, chunk_size):
        stop = start + chunk_size
        sub = {k: (f.slice(start, chunk_size) if k == "ent" else
                   f.filter(pl.col("idx").is_between(start, stop - 1))) for k, f in frames.items()}
        for key, df in evaluate_frames(sub, rulesets, as_of, summary=summary).items():
            parts[key].append(df)
    return {k: pl.concat(v) for k, v in parts.items()}


def evaluate_bulk(profiles, rulesets, as_of, *, validate=True) -> dict[str, list[dict]]:
    """Profiles (dicts) → result dicts per rule set, through the vectorised path."""
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    frames = profiles_to_frames(profiles, validate=validate)
    out = evaluate_frames(frames, rulesets, as_of)
    by_key = {rs.key: rs for rs in rulesets}
    usccs = frames["ent"].get_column("uscc").to_list()
    return {k: by_key[k].results_from_frame(df.sort("idx"), as_of, usccs) for k, df in out.items()}


__all__ = ["profiles_to_frames", "frames_from_normalized", "build_wide", "evaluate_frames", "evaluate_bulk",
           "ListBase"]
