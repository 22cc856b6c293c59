"""Every policy operation the pages, API, commands and other apps use: the registry's profile of an
enterprise, single evaluation, bulk screening and what a screening found."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from kechuang.core import clock
from kechuang.policy.choices import Status
from kechuang.policy.models import RuleSetVersion, ScreeningResult, ScreeningRun
from kechuang.policy.rules import default_registry, evaluate_frames, profiles_to_frames

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


def profiles_for(queryset):
    """(enterprise ids, profiles) for a queryset of enterprises, a batch of queries at a time."""
    domains = _domain_names()
    ids, profiles = [], []
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    model = queryset.model
    for start in range(0, len(pks), BATCH):
        chunk = model.objects.filter(pk__in=pks[start:start + BATCH]).order_by("pk").prefetch_related(*PREFETCH)
        for e in chunk:
            ids.append(e.pk)
            profiles.append(_profile(e, domains))
    return ids, profiles


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


def screen(as_of=None, *, progress=None, enterprises=None) -> ScreeningRun:
    """Evaluate every enterprise against every rule set in force on `as_of` through the vectorised
    evaluator, store the results with the rule version and date, and count newly eligible,
    within reach and at risk. `progress(stage, done, total)` is called along the way."""
    from kechuang.registry.models import Enterprise

    as_of = _date(as_of)
    report = progress or (lambda stage, done, total: None)
    run = ScreeningRun.objects.create(as_of=as_of, started=timezone.now())
    rulesets = default_registry().current(as_of)
    qs = enterprises if enterprises is not None else Enterprise.objects.all()
    ids, profiles = profiles_for(qs)
    report("profiles", len(ids), len(ids))
    counts = {"enterprises": len(ids), "rulesets": {}}
    rows = []
    if ids:
        frames = profiles_to_frames(profiles, validate=False)
        outs = evaluate_frames(frames, rulesets, as_of)
        usccs = [p["uscc"] for p in profiles]
        for n, rs in enumerate(rulesets, 1):
            results = rs.results_from_frame(outs[rs.key].sort("idx"), as_of, usccs)
            for i, res in enumerate(results):
                if res["status"] == "ineligible":
                    res["gaps"] = rs.evaluate(profiles[i], as_of)["gaps"]
                lo_hi = res["score_range"]
                rows.append(ScreeningResult(
                    run=run, enterprise_id=ids[i], ruleset_key=rs.key, ruleset_version=rs.version, as_of=as_of,
                    status=res["status"], score=res["score"],
                    score_min=lo_hi[0] if lo_hi else res["score"], score_max=lo_hi[1] if lo_hi else res["score"],
                    gap_count=res["gap_count"], fixable=res["fixable"], criteria=res["criteria"], gaps=res["gaps"]))
            report("rulesets", n, len(rulesets))
    with transaction.atomic():
        ScreeningResult.objects.bulk_create(rows, batch_size=500)
        run.finished = timezone.now()
        run.save(update_fields=["finished"])
        for rs in rulesets:
            res = run.results.for_tier(rs.key)
            counts["rulesets"][rs.key] = {
                "version": rs.version,
                "eligible": res.eligible().count(), "ineligible": res.ineligible().count(),
                "needs_review": res.needs_review().count(), "within_reach": res.within_reach().count(),
                "newly_eligible": newly_eligible(run).filter(ruleset_key=rs.key).count(),
                "at_risk": at_risk(run).filter(ruleset_key=rs.key).count(),
            }
        run.counts = counts
        run.save(update_fields=["counts"])
    return run
