"""Every policy operation the pages, API, commands and other apps use: the registry's profile of an
enterprise, single evaluation, bulk screening and what a screening found."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from kechuang.core import clock
from kechuang.core import dbstats
from kechuang.policy.choices import Status
from kechuang.policy.models import WITHIN_REACH, RuleSetVersion, ScreeningResult, ScreeningRun
from kechuang.policy.rules import default_registry, evaluate_frames
from kechuang.policy.rules.bulk import ENT_SCHEMA, LIST_SCHEMAS, YEARS_SCHEMA
from kechuang.policy.rules.criteria import COST_BLOCKED
from kechuang.policy.rules.vocab import FLAGS, LISTS, MONEY_FIELDS, PEOPLE_FIELDS

BATCH = 2000


def _d(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _iso(value):
    return value.isoformat() if value is not None else None


def _domain_names():
    from kechuang.core.models import HighTechDomain

    return dict(HighTechDomain.objects.filter(level="domain").values_list("code", "name")) or dict(
        HighTechDomain.objects.filter(parent__isnull=True).values_list("code", "name"))


PREFETCH = ["yearly", "certificates", "ip", "awards", "rdinstitutions", "standards", "investments", "projects",
            "competitionprizes"]


def _profile(e, domains) -> dict:
    domain = domains.get(e.high_tech_domain_id[:2]) if e.high_tech_domain_id else None
    return {
        "uscc": e.uscc, "name": e.name, "established": _iso(e.established), "region_code": e.region_id,
        "high_tech_domain": domain, "industry_code": e.industry_id,
        "flags": {"serious_dishonesty": e.serious_dishonesty, "abnormal_operation": e.abnormal_operation,
                  "major_incident": e.major_incident, "research_misconduct": e.research_misconduct},
        "years": [{"year": y.year, "employees": y.employees, "tech_staff": y.tech_staff,
                   **{f: _d(getattr(y, f)) for f in ("revenue", "sales_revenue", "total_income", "cost_total",
                                                     "rd_expense", "rd_expense_domestic", "high_tech_revenue",
                                                     "total_assets", "net_assets")},
                   "source": y.source} for y in e.yearly.all()],
        "ip": [{"kind": i.kind_id, "number": i.number, "granted": _iso(i.granted), "expires": _iso(i.expires),
                "status": i.status, "acquired_by": i.acquired_by} for i in e.ip.all()],
        "certificates": [{"kind": c.kind, "number": c.number, "issued": _iso(c.issued), "expires": _iso(c.expires)}
                         for c in e.certificates.all()],
        "awards": [{"level": a.level, "year": a.year, "rank": a.rank} for a in e.awards.all()],
        "rd_institutions": [{"level": r.level, "name": r.name} for r in e.rdinstitutions.all()],
        "standards": [{"level": s.level, "year": s.year, "role": s.role} for s in e.standards.all()],
        "investments": [{"date": _iso(i.date), "amount": _d(i.amount), "investor": i.investor}
                        for i in e.investments.all()],
        "projects": [{"level": p.level, "year": p.year} for p in e.projects.all()],
        "competitions": [{"level": c.level, "award": c.award, "year": c.year} for c in e.competitionprizes.all()],
        "software_certified": e.software_certified,
        "data_source": "registry",
    }


def profile_for(enterprise) -> dict:
    """The public profile format, assembled from the registry."""
    return _profile(enterprise, _domain_names())


def _profiles_of(pks: list[int], domains) -> tuple[list[int], list[dict]]:
    from kechuang.registry.models import Enterprise

    chunk = Enterprise.objects.filter(pk__in=pks).order_by("pk").prefetch_related(*PREFETCH)
    ids, profiles = [], []
    for e in chunk:
        ids.append(e.pk)
        profiles.append(_profile(e, domains))
    return ids, profiles


def profiles_for(queryset):
    """(enterprise ids, profiles) for a queryset of enterprises, a batch of queries at a time."""
    domains = _domain_names()
    ids, profiles = [], []
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        chunk_ids, chunk_profiles = _profiles_of(pks[start:start + BATCH], domains)
        ids += chunk_ids
        profiles += chunk_profiles
    return ids, profiles


# Each list of the profile format read straight from its table: (list, model, enterprise column,
# {profile field: column}). `_profile` reads the same columns through model objects; a test holds the
# frames these give equal to the frames of `profiles_for`.
def _list_sources():
    from kechuang.registry import models as registry

    return [
        ("ip", registry.IntellectualProperty.owners.through, "enterprise_id",
         {"kind": "intellectualproperty__kind_id", "number": "intellectualproperty__number",
          "granted": "intellectualproperty__granted", "expires": "intellectualproperty__expires",
          "status": "intellectualproperty__status", "acquired_by": "intellectualproperty__acquired_by"}),
        ("certificates", registry.Certificate, "enterprise_id",
         {"kind": "kind", "number": "number", "issued": "issued", "expires": "expires"}),
        ("awards", registry.Award, "enterprise_id", {"level": "level", "year": "year", "rank": "rank"}),
        ("rd_institutions", registry.RDInstitution, "enterprise_id", {"level": "level", "name": "name"}),
        ("standards", registry.Standard, "enterprise_id", {"level": "level", "year": "year", "role": "role"}),
        ("investments", registry.Investment, "enterprise_id", {"date": "date", "amount": "amount", "investor": "investor"}),
        ("projects", registry.Project, "enterprise_id", {"level": "level", "year": "year"}),
        ("competitions", registry.CompetitionPrize, "enterprise_id", {"level": "level", "award": "award", "year": "year"}),
    ]


_POLARS = {"str": pl.Utf8, "int": pl.Int64, "bool": pl.Boolean, "people": pl.Float64}


def _column(name: str, kind: str) -> pl.Expr:
    """A column as the database driver returned it, in the evaluator's type: SQLite gives dates as
    text and money as numbers, PostgreSQL dates and Decimals; money becomes integer hundredths of 万元
    (the one conversion, `to_cents`, both evaluators use)."""
    column = pl.col(name)
    if kind == "date":
        return pl.when(column.is_null()).then(None).otherwise(column.cast(pl.Utf8).str.slice(0, 10).str.to_date()).alias(name)
    if kind == "money":
        return (column.cast(pl.Float64) * 100).round(0).cast(pl.Int64).alias(name)
    return column.cast(_POLARS[kind]).alias(name)


def _read(queryset, kinds: dict[str, str], positions: pl.DataFrame) -> pl.DataFrame:
    """`queryset.values_list("owner", *kinds)` read into a frame by the raw cursor (no model objects, no
    per-value converters), the owner replaced by its `idx`."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = ["owner", *kinds]
    frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None) if rows else \
        pl.DataFrame({name: [] for name in names}, schema={name: pl.Utf8 for name in names} | {"owner": pl.Int64})
    frame = frame.with_columns(pl.col("owner").cast(pl.Int64), *(_column(name, kind) for name, kind in kinds.items()))
    return frame.join(positions, on="owner", how="inner").drop("owner")


def frames_for(pks: list[int], domains=None) -> dict[str, pl.DataFrame]:
    """The vectorised evaluator's frames for these enterprises (row `idx` = position in `pks`), read
    with one query per table straight into Polars: no model objects and no profile dicts, which is
    what lets a screening of 100,000 enterprises take seconds rather than minutes."""
    from kechuang.registry.models import Enterprise, YearlyData

    domains = _domain_names() if domains is None else domains
    positions = pl.DataFrame({"owner": pks, "idx": range(len(pks))}, schema={"owner": pl.Int64, "idx": pl.Int64})
    ent_kinds = {"uscc": "str", "established": "date", "region_code": "str", "industry_code": "str",
                 "domain_code": "str", "software_certified": "bool", **{f"flag_{f}": "bool" for f in FLAGS}}
    ent = _read(Enterprise.objects.filter(pk__in=pks).order_by().values_list(
        "pk", "uscc", "established", "region_id", "industry_id", "high_tech_domain_id", "software_certified", *FLAGS),
        ent_kinds, positions)
    ent = ent.with_columns(
        pl.col("domain_code").str.slice(0, 2).replace_strict(domains, default=None, return_dtype=pl.Utf8).alias("high_tech_domain"))
    frames = {"ent": ent.select(list(ENT_SCHEMA)).cast(ENT_SCHEMA).sort("idx")}
    year_kinds = {"year": "int", **{f: "people" for f in PEOPLE_FIELDS}, **{f: "money" for f in MONEY_FIELDS}}
    sources = [("years", YearlyData, "enterprise_id", {f: f for f in year_kinds}, year_kinds, YEARS_SCHEMA)]
    sources += [(name, model, owner, fields, LISTS[name], LIST_SCHEMAS[name]) for name, model, owner, fields in _list_sources()]
    for name, model, owner, fields, kinds, schema in sources:
        queryset = model.objects.filter(**{f"{owner}__in": pks}).order_by(owner, "pk").values_list(owner, *fields.values())
        frame = _read(queryset, {field: kinds[field] for field in fields}, positions)
        frames[name] = frame.select(list(schema)).cast(schema)
    return frames


def _date(as_of):
    if as_of is None:
        return clock.today()
    return dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of


def evaluate_profile(profile: dict, ruleset_key: str, as_of=None) -> dict:
    """One profile against one rule set (the version in force on `as_of`). Raises ProfileError
    (naming the field) for an invalid profile and UnknownRuleSet for an unknown key."""
    as_of = _date(as_of)
    return default_registry().get(ruleset_key, as_of=as_of).evaluate(profile, as_of)


def evaluate_enterprise(enterprise, ruleset_key: str, as_of=None) -> dict:
    return evaluate_profile(profile_for(enterprise), ruleset_key, as_of)


def sync_rulesets(using="default") -> list[RuleSetVersion]:
    """Copy every rule-set file into RuleSetVersion (insert or update by key + version)."""
    out = []
    for rs in default_registry(refresh=True).all():
        counts = rs.counts()
        obj, _ = RuleSetVersion.objects.using(using).update_or_create(
            key=rs.key, version=rs.version,
            defaults={"name": rs.name, "issuer": rs.issuer, "document_number": rs.document_number,
                      "effective_from": rs.effective_from, "effective_to": rs.effective_to,
                      "source": "\n".join(rs.sources), "body": rs.body, "checksum": rs.checksum,
                      "criteria_count": counts["criteria"], "verified_count": counts["verified"],
                      "path": rs.path or ""})
        out.append(obj)
    return out


def _previous_run(run):
    return (ScreeningRun.objects.filter(finished__isnull=False, finished__lt=run.finished or timezone.now())
            .exclude(pk=run.pk).order_by("-finished", "-id").first())


def newly_eligible(run):
    """Eligible in this run and not eligible (or not screened) in the run before it."""
    prev = _previous_run(run)
    results = run.results.eligible()
    if prev is None:
        return results
    before = ScreeningResult.objects.filter(run=prev, enterprise=OuterRef("enterprise"),
                                            ruleset_key=OuterRef("ruleset_key"), status=Status.ELIGIBLE)
    return results.exclude(Exists(before))


def at_risk(run):
    """Holders of a tier's certificate valid on the screening date that no longer qualify for it."""
    from kechuang.registry.models import Certificate

    holds = Certificate.objects.valid_on(run.as_of).filter(enterprise=OuterRef("enterprise"), kind=OuterRef("ruleset_key"))
    return run.results.ineligible().filter(Exists(holds))


def explain(results):
    """Fill in the criteria and gaps of screening results in bulk, from the single evaluator, for the
    results the screening stored without them (it stores only the figures lists filter and sort by).
    A page calls this for the rows it shows; the detail is evaluated on the result's own date and rule
    version, from the registry's records as they are now. Returns `results`."""
    from kechuang.registry.models import Enterprise

    pending = [result for result in results if result.criteria is None or result.gaps is None]
    if not pending:
        return results
    ids, profiles = profiles_for(Enterprise.objects.filter(pk__in={result.enterprise_id for result in pending}))
    profile_of = dict(zip(ids, profiles))
    registry = default_registry()
    for result in pending:
        detail = registry.get(result.ruleset_key, as_of=result.as_of).evaluate(profile_of[result.enterprise_id], result.as_of)
        result.criteria, result.gaps = detail["criteria"], detail["gaps"]
    return results


def result_of(stored) -> dict:
    """A stored screening result in the public result format, its criteria and gaps filled in."""
    explain([stored])
    return {
        "uscc": stored.enterprise.uscc, "ruleset": stored.ruleset_key, "version": stored.ruleset_version,
        "as_of": stored.as_of.isoformat(), "status": stored.status, "score": stored.score,
        "score_range": None if stored.score is not None or stored.score_min is None else [stored.score_min, stored.score_max],
        "gap_count": stored.gap_count, "fixable": stored.fixable, "criteria": stored.criteria, "gaps": stored.gaps,
    }


_RESULT_COLUMNS = ("run_id", "enterprise_id", "ruleset_key", "ruleset_version", "as_of", "status", "score",
                   "score_min", "score_max", "gap_count", "fixable")


def _store_results(run, rs, outcome: pl.DataFrame, pks: list[int]) -> None:
    """One rule set's outcome for a batch, inserted with one executemany: building a model object and
    compiling an INSERT per row cost more than the evaluation itself."""
    lo, hi = outcome.get_column("_score_lo").to_list(), outcome.get_column("_score_hi").to_list()
    scores = [rs._score_fields(a, b) for a, b in zip(lo, hi)]
    costs = outcome.get_column("gap_cost").to_list()
    rows = [
        (run.pk, pks[idx], rs.key, rs.version, run.as_of, status, score,
         score_range[0] if score_range else score, score_range[1] if score_range else score,
         cost % COST_BLOCKED, cost < COST_BLOCKED)
        for idx, status, (score, score_range), cost in zip(
            outcome.get_column("idx").to_list(), outcome.get_column("status").to_list(), scores, costs)
    ]
    table = connection.ops.quote_name(ScreeningResult._meta.db_table)
    columns = ", ".join(_RESULT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the server parses one stream instead of an INSERT per row, half of a 100,000-enterprise
            # screening's time on PostgreSQL.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(_RESULT_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _run_counts(run, rulesets, enterprises: int) -> dict:
    """The run's figures per rule set, three grouped queries whatever the number of rule sets."""
    def by_key(queryset, **counts):
        rows = queryset.order_by().values("ruleset_key").annotate(**counts)
        return {row.pop("ruleset_key"): row for row in rows}

    statuses = by_key(
        run.results.all(),
        eligible=Count("pk", filter=Q(status=Status.ELIGIBLE)),
        ineligible=Count("pk", filter=Q(status=Status.INELIGIBLE)),
        needs_review=Count("pk", filter=Q(status=Status.NEEDS_REVIEW)),
        within_reach=Count("pk", filter=WITHIN_REACH),
    )
    newly = by_key(newly_eligible(run), n=Count("pk"))
    risk = by_key(at_risk(run), n=Count("pk"))
    empty = {"eligible": 0, "ineligible": 0, "needs_review": 0, "within_reach": 0}
    return {"enterprises": enterprises, "rulesets": {
        rs.key: {"version": rs.version, **statuses.get(rs.key, empty),
                 "newly_eligible": newly.get(rs.key, {}).get("n", 0), "at_risk": risk.get(rs.key, {}).get("n", 0)}
        for rs in rulesets}}


def screen(as_of=None, *, progress=None, enterprises=None) -> ScreeningRun:
    """Evaluate every enterprise against every rule set in force on `as_of` through the vectorised
    evaluator, store the results with the rule version and date, and count newly eligible,
    within reach and at risk. `progress(stage, done, total)` is called along the way.

    Enterprises go through a batch at a time — profiles, evaluation, one bulk insert — so memory stays
    bounded by the batch; criteria and gaps are left for `explain()`. The run counts as the latest only
    once it has finished: a run that fails half-way is removed and the previous one stays in force."""
    from kechuang.core.audit import record_bulk
    from kechuang.registry.models import Enterprise

    as_of = _date(as_of)
    report = progress or (lambda stage, done, total: None)
    run = ScreeningRun.objects.create(as_of=as_of, started=timezone.now())
    rulesets = default_registry().current(as_of)
    qs = enterprises if enterprises is not None else Enterprise.objects.all()
    pks = list(qs.order_by("pk").values_list("pk", flat=True))
    domains = _domain_names()
    try:
        for start in range(0, len(pks), BATCH):
            batch = pks[start:start + BATCH]
            outcomes = evaluate_frames(frames_for(batch, domains), rulesets, as_of, summary=True)
            with transaction.atomic():
                for rs in rulesets:
                    _store_results(run, rs, outcomes[rs.key], batch)
            report("enterprises", start + len(batch), len(pks))
    except BaseException:
        run.delete()
        raise
    with transaction.atomic():
        run.finished = timezone.now()
        run.counts = _run_counts(run, rulesets, len(pks))
        run.save(update_fields=["finished", "counts"])
        record_bulk(ScreeningRun, [("create", str(run.pk), str(run), None,
                                    {"as_of": as_of.isoformat(), "enterprises": len(pks)})])
    # A screening writes its run and results only: the other tables' statistics are as good as before.
    dbstats.refresh_statistics(models=[ScreeningRun, ScreeningResult])
    return run
