from django.db import models
from django.utils.translation import gettext_lazy as _


class Board(models.TextChoices):
    MAIN = "main", _("SSE/SZSE main board (沪深主板)")
    STAR = "star", _("STAR Market (科创板)")
    CHINEXT = "chinext", _("ChiNext (创业板)")
    BSE = "bse", _("Beijing Stock Exchange (北交所)")
    NEEQ = "neeq", _("NEEQ (新三板)")
    OVERSEAS = "overseas", _("Overseas (境外)")


# The board whose published listing standards a policy rule set encodes; 新三板 and 境外 have none in a
# text we could read, so no candidates are suggested for them.
BOARD_RULESETS = {
    Board.MAIN: "listing_main",
    Board.STAR: "listing_star",
    Board.CHINEXT: "listing_chinext",
    Board.BSE: "listing_bse",
}


class PoolTier(models.TextChoices):
    """The three pools of 《天津市上市企业三年倍增行动计划（2023-2025年）》 and Binhai's version."""

    RESERVE = "reserve", _("Reserve cultivation (储备培育)")
    KEY = "key", _("Key reserve (重点后备)")
    REVIEW = "review", _("Counselling and under review (在审辅导)")


class ListingStage(models.TextChoices):
    ENTERED = "entered", _("Entered the pool (入库)")
    SHAREHOLDING = "shareholding", _("Joint-stock reform (股改)")
    COUNSELLING = "counselling", _("Counselling filed (辅导备案)")
    ACCEPTED = "accepted", _("Application accepted (申报受理)")
    INQUIRY = "inquiry", _("Review and inquiry (审核问询)")
    REGISTERED = "registered", _("Registered (注册)")
    LISTED = "listed", _("Listed (上市)")
    EXITED = "exited", _("Left the pool (退库)")


# The order the stages follow; 退库 stands outside it.
STAGE_ORDER = [
    ListingStage.ENTERED, ListingStage.SHAREHOLDING, ListingStage.COUNSELLING, ListingStage.ACCEPTED,
    ListingStage.INQUIRY, ListingStage.REGISTERED, ListingStage.LISTED,
]

# The tier a stage suggests when an officer does not choose one. The plan's "统一标准" for the tiers is
# not in a text we could read (UNVERIFIED): this default follows ecosystem-facts.md §2.6 and an officer
# may set another tier on the entry.
DEFAULT_TIER = {
    ListingStage.ENTERED: PoolTier.RESERVE,
    ListingStage.SHAREHOLDING: PoolTier.KEY,
    ListingStage.COUNSELLING: PoolTier.REVIEW,
    ListingStage.ACCEPTED: PoolTier.REVIEW,
    ListingStage.INQUIRY: PoolTier.REVIEW,
    ListingStage.REGISTERED: PoolTier.REVIEW,
    ListingStage.LISTED: PoolTier.REVIEW,
}


class FundLevel(models.TextChoices):
    NATIONAL = "national", _("National (国家级)")
    CITY = "city", _("City (市级)")
    DISTRICT = "district", _("District (区级)")


class InstitutionKind(models.TextChoices):
    BANK = "bank", _("Bank (银行)")
    INVESTOR = "investor", _("Investment institution (投资机构)")
    GUARANTOR = "guarantor", _("Guarantee institution (担保机构)")


class ProductKind(models.TextChoices):
    TECH_LOAN = "tech_loan", _("Technology loan (科技贷)")
    IP_PLEDGE = "ip_pledge", _("IP-pledge loan (知识产权质押)")
    LOAN_EQUITY = "loan_equity", _("Loan-equity linkage (投贷联动)")
    EQUITY = "equity", _("Equity investment (股权投资)")


class FinancingForm(models.TextChoices):
    DEBT = "debt", _("Debt (债权)")
    EQUITY = "equity", _("Equity (股权)")
    MIXED = "mixed", _("Debt and equity (股债结合)")


# Which product kinds serve which form of financing.
FORM_PRODUCTS = {
    FinancingForm.DEBT: {ProductKind.TECH_LOAN, ProductKind.IP_PLEDGE, ProductKind.LOAN_EQUITY},
    FinancingForm.EQUITY: {ProductKind.EQUITY, ProductKind.LOAN_EQUITY},
    FinancingForm.MIXED: set(ProductKind.values),
}


class FinancingPurpose(models.TextChoices):
    WORKING_CAPITAL = "working_capital", _("Working capital (流动资金)")
    EQUIPMENT = "equipment", _("Equipment (设备购置)")
    RND = "rnd", _("R&D (研发投入)")
    EXPANSION = "expansion", _("Expansion (扩大生产)")
    OTHER = "other", _("Other (其他)")


class DemandState(models.TextChoices):
    POSTED = "posted", _("Posted (已发布)")
    RECOMMENDED = "recommended", _("Recommended (推荐)")
    CONNECTING = "connecting", _("Connecting (对接)")
    DUE_DILIGENCE = "due_diligence", _("Due diligence (尽调)")
    FUNDED = "funded", _("Loan granted or invested (放款/投资)")
    TERMINATED = "terminated", _("Terminated (终止)")


OPEN_DEMAND_STATES = (DemandState.POSTED, DemandState.RECOMMENDED, DemandState.CONNECTING, DemandState.DUE_DILIGENCE)


class GrowthStage(models.TextChoices):
    """The enterprise stages of the 创新积分制 guideline, which the products' target stages use too."""

    STARTUP = "startup", _("Start-up (初创期)")
    GROWTH = "growth", _("Growth (成长期)")
    MATURE = "mature", _("Mature (稳定期)")
