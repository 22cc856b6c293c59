"""The incubation chain seen from the carriers: firms entering each stage by year, where graduates went
(众创空间 → 孵化器 → 加速器 → 产业园区), the clusters, and how many tenants reached the tiers of the
cultivation pipeline after entering. Every figure is one aggregate query."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear

from kechuang.carriers.choices import CHAIN_STAGE, Cluster, Destination, TenantStatus
from kechuang.carriers.models import Carrier, Tenant
from kechuang.registry.models import Certificate

STAGES = {1: "众创空间类", 2: "孵化器类", 3: "加速器", 4: "产业园区", 5: "区外"}
# The tiers of the cultivation pipeline the chain page follows: 国科小 (科技型中小企业), 雏鹰, 高企.
TIERS = (("tsme", "科技型中小企业"), ("chuying", "雏鹰企业"), ("hnte", "高新技术企业"))


def _stage(kind) -> int:
    return CHAIN_STAGE.get(kind, 2)


def entries_by_year(tenants) -> dict:
    rows = tenants.annotate(y=ExtractYear("entered")).values("y", "carrier__kind").annotate(n=Count("pk"))
    out = defaultdict(lambda: defaultdict(int))
    for row in rows:
        out[row["y"]][STAGES[_stage(row["carrier__kind"])]] += row["n"]
    return {year: dict(v) for year, v in sorted(out.items())}


def flows(tenants) -> dict:
    """Graduate flows stage → stage, as the sankey draws them."""
    rows = (tenants.filter(status=TenantStatus.GRADUATED)
            .values("carrier__kind", "destination", "destination_carrier__kind").annotate(n=Count("pk")))
    links = defaultdict(int)
    for row in rows:
        source = _stage(row["carrier__kind"])
        if row["destination"] == Destination.NEXT_CARRIER and row["destination_carrier__kind"]:
            target = _stage(row["destination_carrier__kind"])
        elif row["destination"] == Destination.PARK:
            target = 4
        elif row["destination"] == Destination.ELSEWHERE:
            target = 5
        else:
            continue
        if target != source:
            links[(source, target)] += row["n"]
    labels = list(STAGES.values())
    return {"labels": labels, "source": [s - 1 for s, _ in links], "target": [t - 1 for _, t in links],
            "value": list(links.values())}


def graduates_by_year(tenants) -> dict:
    rows = (tenants.filter(status=TenantStatus.GRADUATED).annotate(y=ExtractYear("graduated_on"))
            .values("y", "destination").annotate(n=Count("pk")))
    labels = dict(Destination.choices)
    out = defaultdict(lambda: defaultdict(int))
    for row in rows:
        out[row["y"]][str(labels.get(row["destination"], "未登记"))] += row["n"]
    return {year: dict(v) for year, v in sorted(out.items())}


def clusters(carriers, on) -> list[dict]:
    """Each cluster, north to south, with its carriers and their tenants on `on`."""
    counts = dict(Tenant.objects.in_incubation_on(on).filter(carrier__in=carriers).values("carrier")
                  .annotate(n=Count("pk")).values_list("carrier", "n"))
    by_cluster = defaultdict(list)
    for carrier in carriers.order_by("kind", "code"):
        by_cluster[carrier.cluster].append({"carrier": carrier, "tenants": counts.get(carrier.pk, 0),
                                            "stage": STAGES[_stage(carrier.kind)]})
    return [{"cluster": label, "code": code, "carriers": by_cluster[code],
             "tenants": sum(c["tenants"] for c in by_cluster[code])} for code, label in Cluster.choices]


def tier_progress(tenants) -> list[dict]:
    """For each tier, how many distinct tenant firms received its certificate on or after entering."""
    out = []
    for kind, label in TIERS:
        reached = Exists(Certificate.objects.filter(enterprise=OuterRef("enterprise"), kind=kind, issued__gte=OuterRef("entered")))
        firms = tenants.filter(reached).values("enterprise").distinct().count()
        graduates = tenants.filter(reached, status=TenantStatus.GRADUATED).values("enterprise").distinct().count()
        out.append({"kind": kind, "label": label, "firms": firms, "graduates": graduates})
    return out


def chain(on) -> dict:
    tenants = Tenant.objects.all()
    carriers = Carrier.objects.all()
    return {
        "entries": entries_by_year(tenants),
        "flows": flows(tenants),
        "graduates": graduates_by_year(tenants),
        "clusters": clusters(carriers, on),
        "tiers": tier_progress(tenants),
        "firms": tenants.values("enterprise").distinct().count(),
        "incubating": tenants.filter(Q(status=TenantStatus.INCUBATING)).count(),
    }
