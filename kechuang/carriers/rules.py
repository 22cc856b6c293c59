"""The tenant rule sets (在孵企业条件, 毕业企业条件) and the carrier's recognition conditions (国家级 / 标准级),
versioned like the tier rule sets: one YAML file per
(key, version) under `rulesets/`, the version in force on the evaluation date chosen by its effective
dates (300号 up to mid-2025, 工信部科〔2025〕131号 after).

A tenant's facts mix the registry (高企 certificate, investments, revenue) and the stay itself (age on
entry, months in incubation), which the policy engine's enterprise profile does not hold; the rules are
evaluated here, and each criterion is explained in the policy engine's result shape (id, label, passed,
value, threshold, op, source, basis, verified, missing), so the tier pages' template filters render it."""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured

RULESET_DIR = Path(__file__).resolve().parent / "rulesets"
OPS = {"gt": (operator.gt, ">"), "gte": (operator.ge, "≥"), "lt": (operator.lt, "<"), "lte": (operator.le, "≤"),
       "eq": (operator.eq, "==")}
STATUS_BY_PASSED = {True: "eligible", False: "ineligible", None: "needs_review"}
# Where each fact comes from, as the explanation's "source" column shows it.
FACT_SOURCES = {
    "hnte_valid": "高企证书（评价日有效）",
    "investment_total": "股权投资登记合计（万元）",
    "revenue_two_years": "前两年营业收入合计（万元）",
    "acquired_or_listed": "载体登记：兼并收购或挂牌上市",
    "age_at_entry_months": "成立日至入驻日（月）",
    "tsme_eligible": "科小规则集评价（入驻日）",
    "registered_in_carrier_region": "企业注册区划与载体区划",
    "incubation_months": "入驻日至离开或评价日（月）",
    # A carrier's yearly figures (facts.carrier_figures), for the recognition rule sets.
    "floor_area": "载体登记：场地面积（平方米）",
    "incubation_fund": "火炬统计填报：孵化资金（万元）",
    "financed_share": "登记库：当年获得股权投资的在孵企业 / 在孵企业",
    "professional_share": "火炬统计填报：专业孵化服务人员 / 从业人员",
    "mentors_per_10": "火炬统计填报：创业导师数 × 10 ÷ 在孵企业数",
    "ip_share": "登记库：拥有有效知识产权的在孵企业 / 在孵企业",
    "tenants": "登记库：年末在孵企业",
    "tenants_per_1000m2": "登记库：在孵企业数 × 1000 ÷ 场地面积",
    "graduates_total": "登记库：累计毕业企业",
    "growth_share": "登记库：营业收入或研发费用同比增长超过20%的在孵企业 / 在孵企业",
    "service_income_share": "火炬统计填报：孵化服务收入 / （孵化服务收入 + 房租物业收入）",
}


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    fact: str
    op: str
    threshold: object
    verified: bool
    basis: str

    def explain(self, facts: dict) -> dict:
        value = facts.get(self.fact)
        test, symbol = OPS[self.op]
        passed = None if value is None else bool(test(value, self.threshold))
        return {"id": self.id, "label": self.label, "passed": passed, "value": value, "threshold": self.threshold,
                "op": symbol, "points": None, "year": facts.get(f"{self.fact}_year"),
                "source": FACT_SOURCES[self.fact], "basis": self.basis, "verified": self.verified,
                "missing": value is None}


@dataclass(frozen=True)
class TenantRuleSet:
    key: str
    version: str
    name: str
    issuer: str
    document_number: str
    effective_from: dt.date
    effective_to: dt.date | None
    mode: str  # "all" or "any"
    criteria: tuple[Criterion, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def ident(self) -> str:
        return f"{self.key}-{self.version}"

    def effective_on(self, date: dt.date) -> bool:
        return self.effective_from <= date and (self.effective_to is None or date <= self.effective_to)

    def evaluate(self, facts: dict) -> dict:
        criteria = [criterion.explain(facts) for criterion in self.criteria]
        outcomes = [c["passed"] for c in criteria]
        if self.mode == "any":
            passed = True if True in outcomes else (None if None in outcomes else False)
        else:
            passed = False if False in outcomes else (None if None in outcomes else True)
        return {"ruleset": self.key, "version": self.version, "document_number": self.document_number,
                "status": STATUS_BY_PASSED[passed], "criteria": criteria,
                "met": [c for c in criteria if c["passed"]]}


def _load(path: Path) -> TenantRuleSet:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        criteria = []
        for item in data["criteria"]:
            ops = [op for op in OPS if op in item]
            if len(ops) != 1 or item["fact"] not in FACT_SOURCES:
                raise ImproperlyConfigured(f"{path.name}: criterion {item.get('id')} needs one known fact and one comparison")
            criteria.append(Criterion(item["id"], item["label"], item["fact"], ops[0], item[ops[0]],
                                      bool(item.get("verified", False)), item.get("basis", "")))
        if data["mode"] not in ("all", "any"):
            raise ImproperlyConfigured(f"{path.name}: mode must be all or any")
        return TenantRuleSet(str(data["key"]), str(data["version"]), data["name"], data["issuer"],
                             data["document_number"], data["effective_from"], data.get("effective_to"), data["mode"],
                             tuple(criteria), tuple(data.get("sources") or ()), tuple(data.get("notes") or ()))
    except KeyError as missing:
        raise ImproperlyConfigured(f"{path.name}: missing {missing}") from None


@lru_cache(maxsize=1)
def rulesets() -> tuple[TenantRuleSet, ...]:
    return tuple(_load(path) for path in sorted(RULESET_DIR.glob("*.yaml")))


def ruleset_for(key: str, on: dt.date) -> TenantRuleSet:
    """The version of `key` in force on `on`; before the first version, the first."""
    versions = sorted((rs for rs in rulesets() if rs.key == key), key=lambda rs: rs.effective_from)
    if not versions:
        raise ImproperlyConfigured(f"no tenant rule set {key!r}")
    in_force = [rs for rs in versions if rs.effective_on(on)]
    return in_force[-1] if in_force else versions[0]
