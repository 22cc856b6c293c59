"""The carrier evaluation: an indicator system read from YAML (categories, indicators, a weight per
variant 综合/专业, scoring bands), scored from the carriers' yearly figures with the explanation the tier
pages give (value, band, points, source), ranked, compared with the year before and stored."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from kechuang.core import formatting
from kechuang.core.audit import lock_chain, record_bulk, snapshot
from kechuang.core.choices import AuditAction
from kechuang.core.scoring import rank

SYSTEM_FILE = Path(__file__).resolve().parent / "incubator-2019.yaml"
HUNDREDTH = Decimal("0.01")
# Where each metric comes from, as the explanation's source column shows it.
METRIC_SOURCES = {
    "tenants": "登记库：年末在孵企业",
    "graduates_year": "登记库：当年毕业记录",
    "graduates_total": "登记库：累计毕业记录",
    "hnte_tenants": "登记库：在孵企业高企证书",
    "ip_share": "登记库：在孵企业有效知识产权",
    "tenants_per_1000m2": "登记库：在孵企业数 / 载体面积",
    "financed_share": "登记库：在孵企业当年股权投资",
    "tenant_revenue": "登记库：在孵企业年度营业收入",
    "tenant_rd": "登记库：在孵企业年度研发费用",
    "jobs": "登记库：在孵企业从业人员",
    "mentors_per_10": "火炬统计填报：创业导师数",
    "professional_share": "火炬统计填报：专业孵化服务人员",
    "incubation_fund": "火炬统计填报：孵化资金",
    "events_held": "火炬统计填报：活动场次",
    "service_income_share": "火炬统计填报：孵化服务收入",
}


@dataclass(frozen=True)
class Indicator:
    category: str
    id: str
    label: str
    metric: str
    weights: dict
    bands: tuple  # ((lower bound, share), …), best first

    @property
    def is_share(self) -> bool:
        """A share of the tenants or of the staff (`*_share`): read and banded as a percentage."""
        return self.metric.endswith("_share")

    def shown(self, figure, decimals: int | None = 1) -> str:
        """A value to one decimal of a percent (33.3%); a band's bound as written (≥ 30%)."""
        return formatting.percent(figure, decimals) if self.is_share else formatting.number(figure)

    def score(self, value, variant: str) -> dict:
        weight = Decimal(str(self.weights[variant]))
        band, share = None, Decimal(0)
        if value is not None:
            for bound, band_share in self.bands:
                if Decimal(str(value)) >= bound:
                    band, share = f"≥ {self.shown(bound, None)}", band_share
                    break
        return {"category": self.category, "id": self.id, "label": self.label,
                "value": None if value is None else str(value), "value_text": None if value is None else self.shown(value),
                "band": band, "weight": str(weight),
                "points": str((weight * share).quantize(HUNDREDTH)), "source": METRIC_SOURCES[self.metric],
                "missing": value is None}


@dataclass(frozen=True)
class System:
    key: str
    version: str
    name: str
    document_number: str
    notes: tuple
    variants: dict
    indicators: tuple

    @property
    def ident(self) -> str:
        return f"{self.key}-{self.version}"

    def categories(self) -> list[str]:
        return list(dict.fromkeys(i.category for i in self.indicators))


def parse(text: str) -> System:
    data = yaml.safe_load(text)
    variants = dict(data["variants"])
    indicators = []
    for category in data["categories"]:
        for item in category["indicators"]:
            if item["metric"] not in METRIC_SOURCES:
                raise ImproperlyConfigured(f"indicator {item['id']}: unknown metric {item['metric']!r}")
            if set(item["weights"]) != set(variants):
                raise ImproperlyConfigured(f"indicator {item['id']}: a weight for each of {', '.join(variants)}")
            bands = tuple(sorted(((Decimal(str(b["gte"])), Decimal(str(b["share"]))) for b in item["bands"]), reverse=True))
            if any(not 0 <= share <= 1 for _, share in bands):
                raise ImproperlyConfigured(f"indicator {item['id']}: a band's share lies between 0 and 1")
            indicators.append(Indicator(category["label"], item["id"], item["label"], item["metric"], item["weights"], bands))
    for variant in variants:
        total = sum(Decimal(str(i.weights[variant])) for i in indicators)
        if total != 100:
            raise ImproperlyConfigured(f"the weights of variant {variant} add up to {total}, not 100")
    return System(data["key"], str(data["version"]), data["name"], data["document_number"],
                  tuple(data.get("notes") or ()), variants, tuple(indicators))


@lru_cache(maxsize=1)
def system() -> System:
    return parse(SYSTEM_FILE.read_text(encoding="utf-8"))


def variant_of(carrier) -> str:
    return "specialised" if carrier.specialised else "comprehensive"


def score_carrier(figures: dict, variant: str, indicators=None) -> tuple[Decimal, list[dict]]:
    items = [indicator.score(figures.get(indicator.metric), variant) for indicator in (indicators or system().indicators)]
    return sum((Decimal(item["points"]) for item in items), Decimal(0)), items


def evaluate_year(year: int):
    """Score every carrier for `year` and store the scores with their ranks (replacing that year's)."""
    from kechuang.carriers.facts import carrier_figures
    from kechuang.carriers.models import Carrier, CarrierScore

    sys = system()
    carriers = {c.pk: c for c in Carrier.objects.all()}
    figures = carrier_figures(year)
    rows = []
    for pk, carrier in carriers.items():
        total, items = score_carrier(figures[pk], variant_of(carrier), sys.indicators)
        rows.append(CarrierScore(carrier=carrier, year=year, system=sys.ident, variant=variant_of(carrier),
                                 total=total, items=items))
    for position, row in rank(rows, lambda r: r.total):
        row.rank = position
    with transaction.atomic():
        lock_chain()
        old = list(CarrierScore.objects.filter(year=year))
        CarrierScore.objects.filter(year=year).delete()
        CarrierScore.objects.bulk_create(rows)
        record_bulk(CarrierScore, [(AuditAction.DELETE, str(o.pk), str(o), snapshot(o), None) for o in old]
                    + [(AuditAction.CREATE, str(r.pk), str(r), None, snapshot(r)) for r in rows])
    return rows


def with_change(scores) -> list[dict]:
    """Each score beside the same carrier's score of the year before (the year-on-year change)."""
    from kechuang.carriers.models import CarrierScore

    scores = list(scores)
    years = {s.year - 1 for s in scores}
    before = {(s.carrier_id, s.year): s.total for s in CarrierScore.objects.filter(
        year__in=years, carrier__in={s.carrier_id for s in scores})}
    out = []
    for s in scores:
        previous = before.get((s.carrier_id, s.year - 1))
        out.append({"score": s, "previous": previous, "change": None if previous is None else s.total - previous})
    return out
