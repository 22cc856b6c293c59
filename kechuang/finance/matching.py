"""Matching a financing demand to the products of banks and investors and to the funds: by form, amount,
industry and growth stage, each condition explained so the officer sees why a product is offered."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kechuang.core import clock
from kechuang.finance.choices import FORM_PRODUCTS, FinancingForm, GrowthStage
from kechuang.finance.points import growth_stage

MIN_SCORE = 2  # of the three conditions (amount, industry, stage), how many a match meets at least


@dataclass
class Match:
    target: object
    kind: str  # "product" or "fund"
    reasons: list = field(default_factory=list)  # (met, text)

    @property
    def score(self) -> int:
        return sum(1 for met, _ in self.reasons if met)


def _industry_reason(codes, industry_code):
    if not codes:
        return True, _("serves every industry")
    if industry_code and any(industry_code.startswith(code) for code in codes):
        return True, _("industry %(code)s is among those served") % {"code": industry_code}
    return False, _("industry %(code)s is not among those served (%(codes)s)") % {
        "code": industry_code or "—", "codes": "、".join(codes)}


def _stage_reason(stages, stage):
    label = GrowthStage(stage).label
    if not stages or stage in stages:
        return True, _("serves firms in the %(stage)s stage") % {"stage": label}
    return False, _("does not serve the %(stage)s stage") % {"stage": label}


def match(demand, products, funds) -> list[Match]:
    """Products of a kind that serves the demand's form, and (for equity) funds, meeting at least two
    of amount, industry and stage; best first."""
    enterprise = demand.enterprise
    stage = growth_stage(enterprise.established, clock.today().year)
    industry = enterprise.industry_id
    found = []
    for product in products:
        if product.kind not in FORM_PRODUCTS[demand.form]:
            continue
        fits = product.amount_min <= demand.amount <= product.amount_max
        amount = (fits, (_("%(amount)s within the range %(low)s–%(high)s (10k yuan)") if fits else
                         _("%(amount)s outside the range %(low)s–%(high)s (10k yuan)"))
                  % {"amount": demand.amount, "low": product.amount_min, "high": product.amount_max})
        found.append(Match(product, "product", [amount, _industry_reason(product.industries, industry),
                                                _stage_reason(product.stages, stage)]))
    if demand.form != FinancingForm.DEBT:
        for fund in funds:
            fits = fund.size >= demand.amount
            amount = (fits, (_("fund size %(size)s covers %(amount)s (10k yuan)") if fits else
                             _("fund size %(size)s is below %(amount)s (10k yuan)"))
                      % {"size": fund.size, "amount": demand.amount})
            found.append(Match(fund, "fund", [amount, _industry_reason(fund.focus_industries, industry),
                                              (True, _("funds invest at any stage"))]))
    found = [m for m in found if m.score >= MIN_SCORE]
    return sorted(found, key=lambda m: (-m.score, m.kind, str(m.target)))
