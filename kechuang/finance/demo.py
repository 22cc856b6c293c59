"""The demo's listing pool and innovation finance: pool entries across every stage with their stage
records, follow-ups and milestones (the pool is drawn from the listing screening's candidates first),
funds and their investments (the registry's equity-investment records, linked), banks and investors with
their products, financing demands at each follow-up state, and the innovation points of the last full year.

The demo enterprise login finds its firm in the pool with a demand of its own; officers find candidates,
open needs and demands to follow up."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kechuang.carriers import services as carrier_services
from kechuang.carriers.choices import EventKind
from kechuang.core.audit import record_bulk, snapshot
from kechuang.core.choices import AuditAction, Role
from kechuang.demo import fake, register
from kechuang.finance import listing, matching, services
from kechuang.finance.choices import (DEFAULT_TIER, STAGE_ORDER, Board, DemandState, FinancingForm,
                                      FinancingPurpose, FundLevel, InstitutionKind, ListingStage, ProductKind)
from kechuang.finance.models import (FinancingDemand, FollowUp, Fund, FundInvestment, Institution, ListingEntry,
                                     ListingScreening, Milestone, Product, StageRecord)
from kechuang.registry.models import Enterprise, Investment

# How many pool entries stand at each stage (per 2,000 enterprises).
STAGE_COUNTS = {ListingStage.ENTERED: 24, ListingStage.SHAREHOLDING: 12, ListingStage.COUNSELLING: 8,
                ListingStage.ACCEPTED: 5, ListingStage.INQUIRY: 4, ListingStage.REGISTERED: 2, ListingStage.LISTED: 3,
                ListingStage.EXITED: 2}
SPONSORS = ("中信证券股份有限公司", "中信建投证券股份有限公司", "国泰君安证券股份有限公司", "华泰联合证券有限责任公司",
            "渤海证券股份有限公司", "海通证券股份有限公司")
LAW_FIRMS = ("北京市金杜律师事务所", "北京市中伦律师事务所", "天津四方君汇律师事务所", "北京国枫律师事务所")
AUDIT_FIRMS = ("立信会计师事务所（特殊普通合伙）", "天健会计师事务所（特殊普通合伙）", "容诚会计师事务所（特殊普通合伙）",
               "中审华会计师事务所（特殊普通合伙）")
NEEDS = (("协调募投项目用地规划手续", "区规划资源局"), ("办理历史沿革股权确权证明", "区市场监管局"),
         ("出具合规证明（税务）", "区税务局"), ("对接券商开展上市前辅导", "区金融工作局"),
         ("申请上市分阶段奖励资金", "区科技局"), ("协调环评批复", "区生态环境局"), ("高企认定与研发费用归集辅导", "区科技局"))
MILESTONES = ("完成股份制改造", "与保荐机构签订辅导协议", "辅导验收", "提交申报材料", "完成首轮问询回复")
FUNDS = (("国家中小企业发展基金天津子基金", FundLevel.NATIONAL, "国投创合基金管理有限公司", 200000, ["39", "35"]),
         ("天津市海河产业基金", FundLevel.CITY, "天津市海河产业基金管理有限公司", 500000, []),
         ("天津市天使投资引导基金", FundLevel.CITY, "天津创业投资管理有限公司", 50000, ["65", "64"]),
         ("滨海新区科技创新母基金", FundLevel.DISTRICT, "天津滨海产业基金管理有限公司", 100000, ["39", "27", "65"]),
         ("中新天津生态城产业引导基金", FundLevel.DISTRICT, "天津生态城投资开发有限公司", 30000, ["65", "73", "77"]))
BANKS = (("中国银行天津滨海分行", InstitutionKind.BANK), ("建设银行天津生态城支行", InstitutionKind.BANK),
         ("天津银行滨海分行", InstitutionKind.BANK), ("渤海银行科技金融部", InstitutionKind.BANK),
         ("天津市融资担保发展有限公司", InstitutionKind.GUARANTOR), ("天津创业投资有限公司", InstitutionKind.INVESTOR))
# (institution index, name, kind, min, max, industries, stages, terms)
PRODUCTS = ((0, "中银科技贷", ProductKind.TECH_LOAN, 50, 1000, [], ["growth", "mature"], "信用为主，年化利率 3.2% 起"),
            (0, "知识产权质押融资", ProductKind.IP_PLEDGE, 20, 500, [], [], "发明专利质押，评估费由区财政补贴"),
            (1, "善新贷", ProductKind.TECH_LOAN, 10, 300, [], ["startup", "growth"], "科技型中小企业信用贷款"),
            (1, "投贷联动", ProductKind.LOAN_EQUITY, 300, 3000, ["39", "65", "27"], ["growth"], "与合作投资机构联动"),
            (2, "海河科创贷", ProductKind.TECH_LOAN, 50, 800, [], [], "创新积分前列企业优先"),
            (3, "科创e贷", ProductKind.TECH_LOAN, 100, 2000, ["39", "65"], ["growth", "mature"], "线上审批"),
            (4, "科技担保贷", ProductKind.TECH_LOAN, 50, 1000, [], ["startup", "growth"], "担保费率 1%"),
            (5, "天创股权直投", ProductKind.EQUITY, 500, 5000, ["39", "27", "65"], ["growth", "mature"], "A 轮及以后"))
DEMAND_STATES = ((DemandState.POSTED, 16), (DemandState.RECOMMENDED, 12), (DemandState.CONNECTING, 12),
                 (DemandState.DUE_DILIGENCE, 10), (DemandState.FUNDED, 22), (DemandState.TERMINATED, 8))


def _audit(model, rows):
    record_bulk(model, [(AuditAction.CREATE, str(r.pk), str(r), None, snapshot(r)) for r in rows])


class FinanceBuilder:
    def __init__(self, context):
        self.context, self.rng, self.as_of = context, context.rng, context.as_of
        self.officer = context.users.get(Role.OFFICER)
        demo_user = context.users.get(Role.ENTERPRISE)
        self.demo_firm = demo_user.enterprises.order_by("pk").first() if demo_user is not None else None
        self.firms = list(Enterprise.objects.in_district().order_by("uscc"))

    def day_before(self, days_max: int, after: dt.date | None = None) -> dt.date:
        latest = self.as_of
        earliest = max(after or (latest - dt.timedelta(days=days_max)), latest - dt.timedelta(days=days_max))
        span = max((latest - earliest).days, 0)
        return earliest + dt.timedelta(days=self.rng.randint(0, span))

    def build(self):
        counts = listing.screen(self.as_of)
        entries = self.pool()
        funds = self.funds()
        products = self.products()
        demands = self.demands(products, funds)
        run = services.compute_points(self.as_of.year - 1)
        self.bank_matching(demands, products)
        self.context.stdout.write(
            f"finance: {counts['stored']} listing candidates, {len(entries)} pool entries, {len(funds)} funds, "
            f"{len(products)} products, {len(demands)} financing demands, points {run.year} for {run.enterprises}\n")

    def bank_matching(self, demands, products):
        """银企对接: the bureau's next matching session, recorded as an event like the others — the firms
        with open financing demands registered, and the banks and investors that come."""
        officer = self.context.users.get(Role.OFFICER)
        if officer is None:
            return None
        day = self.as_of + dt.timedelta(days=21)
        event = carrier_services.create_event(officer, code=f"yqdj-{day:%Y%m}", name=f"{day:%Y年%m月}生态城银企对接会",
                                              kind=EventKind.BANK_MATCHING, starts=day, ends=day)
        waiting = sorted({d.enterprise for d in demands if d.state == DemandState.POSTED}, key=lambda firm: firm.uscc)
        for firm in waiting[:8]:
            carrier_services.register_entry(event, f"{firm.name}融资需求", enterprise=firm)
        for institution in sorted({product.institution.name for product in products})[:5]:
            carrier_services.add_investor(event, fake.person(self.rng), institution, officer)
        return event

    # ---- the pool ---------------------------------------------------------------------------------------
    def pool(self):
        suggested = list(ListingScreening.objects.filter(suggested=True).order_by("enterprise__uscc", "board")
                         .values_list("enterprise_id", "board"))
        chosen, board_of = [], {}
        if self.demo_firm is not None:
            chosen.append(self.demo_firm.pk)
            board_of[self.demo_firm.pk] = Board.STAR
        for pk, board in suggested:
            if pk not in board_of:
                chosen.append(pk)
                board_of[pk] = board
        others = [f.pk for f in self.firms if f.pk not in board_of]
        self.rng.shuffle(others)
        wanted = sum(self.context.scaled(n) for n in STAGE_COUNTS.values())
        chosen = (chosen + others)[:wanted]
        stages = [stage for stage, n in STAGE_COUNTS.items() for _ in range(self.context.scaled(n))]
        self.rng.shuffle(stages)
        if self.demo_firm is not None:
            stages[0] = ListingStage.COUNSELLING
        entries, records = [], []
        for pk, stage in zip(chosen, stages):
            board = board_of.get(pk) or self.rng.choice([Board.BSE, Board.NEEQ, Board.CHINEXT, Board.STAR, Board.MAIN, Board.OVERSEAS])
            entered = self.day_before(900)
            path = STAGE_ORDER[:STAGE_ORDER.index(stage) + 1] if stage != ListingStage.EXITED else STAGE_ORDER[:2]
            dates = sorted(self.day_before(900, entered) for _ in path[1:])
            history = [(None, ListingStage.ENTERED, entered, "")] + [(path[i], s, d, "") for i, (s, d) in enumerate(zip(path[1:], dates))]
            if stage == ListingStage.EXITED:
                history.append((path[-1], ListingStage.EXITED, self.day_before(900, history[-1][2]), "企业调整发展战略，暂缓上市计划"))
            elif stage == ListingStage.COUNSELLING and self.rng.random() < 0.3:
                back = self.day_before(900, history[-1][2])
                history += [(stage, ListingStage.SHAREHOLDING, back, "辅导期发现股权代持问题，退回规范"),
                            (ListingStage.SHAREHOLDING, stage, self.day_before(900, back), "")]
            entry = ListingEntry(
                enterprise_id=pk, board=board, stage=stage, stage_on=history[-1][2], entered_on=entered,
                tier=DEFAULT_TIER.get(stage if stage != ListingStage.EXITED else ListingStage.SHAREHOLDING),
                sponsor=self.rng.choice(SPONSORS) if stage != ListingStage.ENTERED else "",
                law_firm=self.rng.choice(LAW_FIRMS) if STAGE_ORDER.index(path[-1]) >= 2 else "",
                audit_firm=self.rng.choice(AUDIT_FIRMS) if STAGE_ORDER.index(path[-1]) >= 1 else "",
                officer=self.officer,
            )
            entries.append(entry)
            records.append(history)
        ListingEntry.objects.bulk_create(entries)
        entries = list(ListingEntry.objects.select_related("enterprise").order_by("enterprise__uscc"))
        by_firm = {pk: hist for pk, hist in zip(chosen, records)}
        _audit(ListingEntry, entries)
        stage_rows, follow_ups, milestones = [], [], []
        for entry in entries:
            for previous, stage, date, reason in by_firm[entry.enterprise_id]:
                stage_rows.append(StageRecord(entry=entry, from_stage=previous or "", stage=stage, date=date, reason=reason,
                                              by=self.officer))
            for _ in range(self.rng.randint(1, 3)):
                need, handler = self.rng.choice(NEEDS)
                raised = self.day_before(400, entry.entered_on)
                resolved = self.day_before(400, raised) if self.rng.random() < 0.6 else None
                follow_ups.append(FollowUp(entry=entry, need=need, handler=handler, raised_on=raised, resolved_on=resolved,
                                           resolution="已协调办结" if resolved else ""))
            reached = STAGE_ORDER.index(entry.stage) if entry.stage in STAGE_ORDER else 1
            for i, title in enumerate(MILESTONES[:max(1, reached)]):
                milestones.append(Milestone(entry=entry, title=title, due_on=entry.entered_on + dt.timedelta(days=120 * (i + 1)),
                                            done_on=entry.stage_on if i < reached - 1 else None))
        for model, rows in ((StageRecord, stage_rows), (FollowUp, follow_ups), (Milestone, milestones)):
            model.objects.bulk_create(rows, batch_size=2000)
            _audit(model, model.objects.filter(entry__in=entries).select_related("entry__enterprise").order_by("pk"))
        return entries

    # ---- funds, institutions, products -----------------------------------------------------------------
    def funds(self):
        funds = [Fund(name=name, level=level, manager=manager, size=Decimal(size), focus_industries=industries)
                 for name, level, manager, size, industries in FUNDS]
        Fund.objects.bulk_create(funds)
        funds = list(Fund.objects.order_by("name"))
        _audit(Fund, funds)
        investments, links = [], []
        for fund in funds:
            fitting = [f for f in self.firms if not fund.focus_industries
                       or any((f.industry_id or "").startswith(code) for code in fund.focus_industries)]
            for _ in range(min(len(fitting), self.context.scaled(8))):
                firm = self.rng.choice(fitting)
                investments.append(Investment(enterprise=firm, name=f"{fund.name}投资", date=self.day_before(1500),
                                              amount=Decimal(self.rng.choice((500, 800, 1000, 2000, 3000, 5000))),
                                              investor=fund.name))
                links.append(fund)
        Investment.objects.bulk_create(investments, batch_size=2000)
        made = list(Investment.objects.filter(name__endswith="投资", investor__in=[f.name for f in funds]).select_related("enterprise")
                    .order_by("investor", "enterprise__uscc", "date", "amount", "pk"))
        _audit(Investment, made)
        by_fund = {f.name: f for f in funds}
        fund_links = [FundInvestment(fund=by_fund[i.investor], investment=i) for i in made]
        FundInvestment.objects.bulk_create(fund_links, batch_size=2000)
        _audit(FundInvestment, FundInvestment.objects.select_related("fund", "investment__enterprise").order_by("pk"))
        return funds

    def products(self):
        institutions = [Institution(name=name, kind=kind, contact=fake.landline(self.rng)) for name, kind in BANKS]
        Institution.objects.bulk_create(institutions)
        by_name = {i.name: i for i in Institution.objects.all()}
        _audit(Institution, by_name.values())
        products = [Product(institution=by_name[BANKS[i][0]], name=name, kind=kind, amount_min=Decimal(low),
                            amount_max=Decimal(high), industries=industries, stages=stages, terms=terms)
                    for i, name, kind, low, high, industries, stages, terms in PRODUCTS]
        Product.objects.bulk_create(products)
        products = list(Product.objects.select_related("institution").order_by("institution__name", "name"))
        _audit(Product, products)
        return products

    # ---- financing demands ------------------------------------------------------------------------------
    def demands(self, products, funds):
        states = [state for state, n in DEMAND_STATES for _ in range(self.context.scaled(n))]
        demands = []
        for i, state in enumerate(states):
            firm = self.demo_firm if i == 0 and self.demo_firm is not None else self.rng.choice(self.firms)
            form = self.rng.choice((FinancingForm.DEBT, FinancingForm.DEBT, FinancingForm.EQUITY, FinancingForm.MIXED))
            amount = Decimal(self.rng.choice((50, 100, 200, 300, 500, 800, 1000, 2000)))
            demand = FinancingDemand(enterprise=firm, amount=amount, form=form,
                                     purpose=self.rng.choice(FinancingPurpose.values), term_months=self.rng.choice((12, 24, 36, None)),
                                     posted_on=self.day_before(360), state=state, decided_by=self.officer)
            demand.enterprise = firm
            if state != DemandState.POSTED:
                found = matching.match(demand, products, funds)
                if found:
                    pick = found[0] if self.rng.random() < 0.7 else self.rng.choice(found)
                    setattr(demand, pick.kind, pick.target)
                elif state != DemandState.TERMINATED:
                    demand.state = DemandState.POSTED
            if demand.state == DemandState.FUNDED:
                demand.funded_amount = (amount * Decimal(self.rng.choice(("1", "0.8", "0.6")))).quantize(Decimal("0.01"))
                demand.funded_on = self.day_before(360, demand.posted_on)
            if demand.state == DemandState.TERMINATED:
                demand.closed_reason = self.rng.choice(("企业已通过其他渠道解决融资", "尽调未通过：经营现金流不足", "企业撤回需求"))
            demands.append(demand)
        FinancingDemand.objects.bulk_create(demands, batch_size=2000)
        made = list(FinancingDemand.objects.select_related("enterprise").order_by("enterprise__uscc", "posted_on", "amount", "pk"))
        _audit(FinancingDemand, made)
        return made


@register("finance", after=("registry", "techmarket", "policy", "carriers"))
def populate(context):
    FinanceBuilder(context).build()

