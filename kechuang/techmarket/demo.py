"""The demo district's technology market, in proportion to the district's size (per 2,000 enterprises:
~26 institutions, ~160 achievements, ~60 demands, ~90 matches at every stage, 8 challenges in every state
and ~380 technology contracts 2019–as_of). The in-district sellers' registered turnover follows
YEAR_TURNOVER whatever the size (2022: 11 亿元, the seed plan's target), so the plan's figures read the
same in every demo. See `kechuang.demo` for the contract this module follows.

Achievements and the first 25 demands are the matching evaluation set's records
(`matching/evalset/`), so the demo shows the engine on the texts it was measured on; the other demands
are in `demo_data/demands.csv`. A larger district repeats those texts for other owners, each copy with
a qualifier of its own.
"""
from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from kechuang.core.audit import record_all_created, snapshot
from kechuang.core.choices import Role
from kechuang.core.ledger import EntryKind, LedgerAccount, LedgerEntry
from kechuang.core.models import Region
from kechuang.demo import fake, register
from kechuang.registry.models import Enterprise
from kechuang.techmarket.choices import (
    AchievementStatus,
    ChallengeStatus,
    ContractChangeKind,
    ContractStatus,
    ContractSubtype,
    ContractType,
    DemandStatus,
    InstitutionKind,
    MatchStage,
    MilestoneStatus,
    SolutionMode,
)
from kechuang.techmarket import services
from kechuang.techmarket.matcher import index
from kechuang.techmarket.models import (
    Achievement,
    Challenge,
    ContractChange,
    Demand,
    Institution,
    Match,
    Milestone,
    Proposal,
    Review,
    TechContract,
)
from kechuang.techmarket.services import registration_number

HERE = Path(__file__).resolve().parent
EVALSET = HERE / "matching" / "evalset"
CENT = Decimal("0.01")

# Registered turnover of in-district sellers per registration year (万元). 2022 meets the plan's
# 11 亿元; the curve before and after is a plausible path around it.
YEAR_TURNOVER = {2019: 52000, 2020: 67000, 2021: 86000, 2022: 110500, 2023: 121000, 2024: 133000, 2025: 142000, 2026: 150000}
# Contracts registered per year in a district of REFERENCE_SIZE enterprises.
YEAR_CONTRACTS = {2019: 34, 2020: 40, 2021: 48, 2022: 58, 2023: 60, 2024: 58, 2025: 56, 2026: 52}

# (name, kind, the high-tech domains it is strong in)
INSTITUTIONS = (
    ("清华大学天津电子信息研究院", InstitutionKind.NEW_RD, ("10", "50")),
    ("北京航空航天大学", InstitutionKind.UNIVERSITY, ("30", "80", "10")),
    ("天津大学", InstitutionKind.UNIVERSITY, ("40", "60", "70", "80")),
    ("南开大学", InstitutionKind.UNIVERSITY, ("20", "40", "10")),
    ("天津工业大学", InstitutionKind.UNIVERSITY, ("40", "70")),
    ("河北工业大学", InstitutionKind.UNIVERSITY, ("60", "80")),
    ("天津中医药大学", InstitutionKind.UNIVERSITY, ("20",)),
    ("中国民航大学", InstitutionKind.UNIVERSITY, ("30", "50")),
    ("中国科学院天津工业生物技术研究所", InstitutionKind.INSTITUTE, ("20", "70")),
    ("天津市环境保护科学研究院", InstitutionKind.INSTITUTE, ("70",)),
    ("国家海洋技术中心", InstitutionKind.INSTITUTE, ("70", "40")),
    ("天津国际生物医药联合研究院", InstitutionKind.NEW_RD, ("20",)),
    ("天津市滨海新区信息技术创新中心", InstitutionKind.NEW_RD, ("10", "50")),
    ("天津理工大学", InstitutionKind.UNIVERSITY, ("10", "40", "60")),
)
ENTERPRISE_OWNERS = 12  # district enterprises that also publish achievements of their own (per REFERENCE_SIZE)
MATCHED_DEMANDS = 30  # demands with recommendations (per REFERENCE_SIZE)
# What tells apart the copies of one text in a larger district (the first copy keeps the text as it is).
ACHIEVEMENT_QUALIFIERS = ("（改进型）", "（第二代）", "（工程化版本）", "（低成本方案）", "（集成应用）", "（产业化示范）")
DEMAND_QUALIFIERS = ("（二期）", "（新厂区）", "（扩产配套）", "（试点改造）", "（升级需求）", "（分公司）")
# The challenges of one round, by status: three open, one under review, two awarded with milestones
# part-paid, one completed and one closed unsolved (its demand back in the pool).
CHALLENGE_ROUND = (ChallengeStatus.OPEN,) * 3 + (ChallengeStatus.REVIEWING, ChallengeStatus.AWARDED, ChallengeStatus.AWARDED,
                                                 ChallengeStatus.COMPLETED, ChallengeStatus.UNSOLVED)

# Ordered keyword rules that place a text in one of the 8 domains of 国家重点支持的高新技术领域.
DOMAIN_RULES = (
    ("30", ("无人机", "航空", "飞机", "卫星", "航天")),
    ("20", ("药", "医", "细胞", "疫苗", "体检", "健康", "诊断", "中药", "老人", "养老", "病")),
    ("60", ("电费", "能耗", "节能", "光伏", "储能", "电池", "锅炉", "余热", "充电", "冷库", "PUE", "电动车", "耗电")),
    ("70", ("废水", "污水", "污泥", "垃圾", "油烟", "尾水", "碳排放", "绿化", "返碱", "环保", "废气", "油漆味")),
    ("40", ("材料", "涂层", "生锈", "腐蚀", "包装", "塑料", "面料", "玻璃", "降解", "膜")),
    ("10", ("芯片", "软件", "数据", "客服", "识别", "算法", "屏", "网络", "服务器", "黑客", "系统", "平台")),
    ("80", ("机器人", "焊接", "注塑", "设备", "电机", "产线", "仓库", "生产", "加工", "集装箱", "噪声", "停机")),
)
DEFAULT_DOMAIN = "50"

TYPE_WEIGHTS = (
    (ContractType.DEVELOPMENT, 46), (ContractType.SERVICE, 24), (ContractType.CONSULTING, 10),
    (ContractType.TRANSFER, 12), (ContractType.LICENCE, 8),
)
TYPE_SUFFIX = {
    ContractType.DEVELOPMENT: "技术开发", ContractType.TRANSFER: "技术转让", ContractType.LICENCE: "专利实施许可",
    ContractType.CONSULTING: "技术咨询", ContractType.SERVICE: "技术服务",
}
LICENCE_FROM = dt.date(2021, 1, 1)  # 民法典: 技术许可 registered as a type of its own

BUYERS = {
    "city": (("天津港集团有限公司", "120116"), ("天津市建工集团（控股）有限公司", "120103"), ("天津百利机械装备集团有限公司", "120104"),
             ("天津水务集团有限公司", "120101"), ("天津医药集团有限公司", "120102"), ("天津城投集团有限公司", "120105")),
    "china": (("北京京东方科技集团股份有限公司", "110105"), ("上海电气集团股份有限公司", "310115"), ("江苏恒瑞医药股份有限公司", "320703"),
              ("深圳迈瑞生物医疗电子股份有限公司", "440305"), ("浙江大华技术股份有限公司", "330108"), ("河北钢铁集团有限公司", "130102"),
              ("山东海化集团有限公司", "370702"), ("中国石油天然气股份有限公司", "110102")),
    "abroad": ("新加坡吉宝企业有限公司", "德国西门子股份公司", "日本住友化学株式会社", "韩国三星SDI株式会社"),
}
LOCATION_WEIGHTS = (("district", 30), ("city", 35), ("china", 31), ("abroad", 4))
REFUSALS = ("标的不明确，技术内容未达认定标准", "价款、报酬或使用费约定不明确", "合同名称与印章不一致", "属于一般设备买卖，不属于技术合同")
LATE_REASONS = ("合同双方盖章流程跨越春节假期", "买方集团审批流程延误，合同原件迟到", "疫情封控期间无法现场递交材料")


def _date(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _aware(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def guess_domain(text: str) -> str:
    return next((code for code, words in DOMAIN_RULES if any(w in text for w in words)), DEFAULT_DOMAIN)


def _weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _audit_created(model, objects) -> None:
    record_all_created(objects)


def _copies(rows: list[dict], count: int, qualifiers: tuple[str, ...]) -> list[dict]:
    """`count` rows cycling through `rows`; every pass after the first qualifies the title."""
    out = []
    for position in range(count):
        row, lap = rows[position % len(rows)], position // len(rows)
        out.append(row if lap == 0 else {**row, "title": row["title"] + qualifiers[(lap - 1) % len(qualifiers)]})
    return out


class MarketBuilder:
    def __init__(self, context):
        self.context = context
        self.rng = context.rng
        self.as_of = context.as_of
        self.users = context.users
        self.stdout = context.stdout
        self.district = list(Enterprise.objects.in_district().order_by("uscc"))
        self.outside = list(Enterprise.objects.exclude(pk__in=[e.pk for e in self.district]).order_by("uscc"))
        if not self.district:
            raise RuntimeError("techmarket demo: the registry has no enterprise in the district")
        self.district_regions = list(
            Region.objects.filter(code__startswith=settings.KECHUANG_DISTRICT_CODE, level="township").values_list("code", flat=True)
        ) or [settings.KECHUANG_DISTRICT_CODE]

    def build(self):
        institutions = self.make_institutions()
        achievements = self.make_achievements(institutions)
        demands = self.make_demands()
        contracts = self.make_contracts(achievements)
        matches = self.make_matches(demands, achievements, contracts)
        challenges = self.make_challenges(demands, institutions)
        self.stdout.write(
            f"techmarket: {len(institutions)} institutions, {len(achievements)} achievements, {len(demands)} demands, "
            f"{matches} matches, {challenges} challenges, {len(contracts)} contracts; 2022 district turnover "
            f"{TechContract.objects.registered_between(dt.date(2022, 1, 1), dt.date(2022, 12, 31)).sold_from_district().turnover()} 万元\n"
        )

    # -- institutions and achievements -----------------------------------------------------------

    def make_institutions(self) -> list[tuple[Institution, tuple]]:
        made = [(Institution(name=name, kind=kind), domains) for name, kind, domains in INSTITUTIONS]
        owners = self.rng.sample(self.district, min(self.context.scaled(ENTERPRISE_OWNERS), len(self.district)))
        for firm in sorted(owners, key=lambda f: f.uscc):
            domain = (firm.high_tech_domain_id or DEFAULT_DOMAIN)[:2]
            made.append((Institution(name=firm.name, kind=InstitutionKind.ENTERPRISE, enterprise=firm), (domain,)))
        institutions = Institution.objects.bulk_create([institution for institution, _domains in made])
        _audit_created(Institution, institutions)
        login = self.users.get(Role.INSTITUTION)
        if login is not None:
            own = next(i for i in institutions if i.name == (login.organisation or INSTITUTIONS[0][0]))
            own.users.add(login)
        return made

    def make_achievements(self, institutions) -> list[Achievement]:
        rows = _csv(EVALSET / "achievements.csv")
        rng, rows = self.rng, _copies(rows, self.context.scaled(len(rows)), ACHIEVEMENT_QUALIFIERS)
        by_domain: dict[str, list[Institution]] = {}
        for institution, domains in institutions:
            for domain in domains:
                by_domain.setdefault(domain, []).append(institution)
        officer = self.users.get(Role.OFFICER)
        made = []
        for row in rows:
            domain = guess_domain(row["title"] + row["description"])
            owner = rng.choice(by_domain.get(domain) or [i for i, _d in institutions])
            status = _weighted(rng, ((AchievementStatus.PUBLISHED, 88), (AchievementStatus.DRAFT, 8), (AchievementStatus.WITHDRAWN, 4)))
            modes = rng.sample([field for field, _mode in Achievement.MODE_FIELDS], rng.randint(1, 3))
            made.append(Achievement(
                title=row["title"], summary=row["description"], keywords=row["keywords"], owner=owner,
                high_tech_domain_id=domain, maturity=rng.randint(3, 9),
                asking_price=Decimal(rng.choice((20, 50, 80, 120, 200, 300, 500, 800))) if rng.random() < 0.8 else None,
                contact_name=fake.addressed_contact(rng, ("老师", "教授", "工程师")),
                contact_phone=fake.landline(rng),
                status=status,
                published_on=_date(rng, dt.date(2020, 3, 1), self.as_of) if status != AchievementStatus.DRAFT else None,
                created_by=officer, **{field: field in modes for field, _mode in Achievement.MODE_FIELDS},
            ))
        Achievement.objects.bulk_create(made)
        _audit_created(Achievement, made)
        index.index_rows(Achievement)
        return made

    # -- demands -------------------------------------------------------------------------------------

    def make_demands(self) -> list[Demand]:
        rng = self.rng
        rows = [
            {"title": r["title"], "problem": r["description"], "keywords": r["keywords"], "key_points": "", "goals": "",
             "domain": guess_domain(r["title"] + r["description"]), "months": "", "budget": "", "mode": ""}
            for r in _csv(EVALSET / "demands.csv")
        ] + _csv(HERE / "demo_data" / "demands.csv")
        rows = _copies(rows, self.context.scaled(len(rows)), DEMAND_QUALIFIERS)
        enterprise_login = self.users.get(Role.ENTERPRISE)
        own_firm = enterprise_login.enterprises.order_by("pk").first() if enterprise_login else None
        made = []
        for position, row in enumerate(rows):
            firm = own_firm if own_firm is not None and position % 12 == 0 else rng.choice(self.district)
            made.append(Demand(
                enterprise=firm, title=row["title"], problem=row["problem"], key_points=row["key_points"], goals=row["goals"],
                keywords=row["keywords"], high_tech_domain_id=row["domain"], industry_id=None,
                budget=Decimal(row["budget"] or rng.choice((30, 50, 80, 100, 150, 200))),
                months=int(row["months"] or rng.choice((6, 9, 12, 18))),
                solution_mode=row["mode"] or rng.choice(SolutionMode.values),
                contact_name=fake.addressed_contact(rng, ("经理", "总工", "主任")),
                contact_phone=fake.mobile(rng),
                status=DemandStatus.OPEN,
                posted_on=_date(rng, dt.date(2021, 1, 1), self.as_of),
                created_by=enterprise_login if firm == own_firm else None,
            ))
        Demand.objects.bulk_create(made)
        _audit_created(Demand, made)
        index.index_rows(Demand)
        return made

    # -- contracts -----------------------------------------------------------------------------------

    def _buyer(self, location):
        rng = self.rng
        if location == "abroad":
            return rng.choice(BUYERS["abroad"]), None
        if location == "district":
            other = rng.choice(self.district)
            return other.name, rng.choice(self.district_regions)
        return rng.choice(BUYERS[location])

    def _contract_type(self, signed_on):
        contract_type = _weighted(self.rng, TYPE_WEIGHTS)
        if contract_type == ContractType.LICENCE and signed_on < LICENCE_FROM:
            contract_type = ContractType.TRANSFER
        subtype = ""
        if contract_type == ContractType.DEVELOPMENT:
            subtype = _weighted(self.rng, ((ContractSubtype.ENTRUSTED, 70), (ContractSubtype.COOPERATIVE, 30)))
        elif contract_type == ContractType.SERVICE and self.rng.random() < 0.25:
            subtype = self.rng.choice((ContractSubtype.TRAINING, ContractSubtype.INTERMEDIARY))
        return contract_type, subtype

    def make_contracts(self, achievements) -> list[TechContract]:
        rng = self.rng
        topics = [a.title for a in achievements]
        made, serials = [], {}
        for year, count in YEAR_CONTRACTS.items():
            year_end = min(dt.date(year, 12, 31), self.as_of)
            if dt.date(year, 1, 1) > year_end:
                continue
            for _ in range(round(self.context.scaled(count) * ((year_end - dt.date(year, 1, 1)).days + 1) / 365)):
                registered_on = _date(rng, dt.date(year, 1, 1), year_end)
                applied_on = registered_on - dt.timedelta(days=rng.randint(1, 12))
                late = rng.random() < 0.04
                signed_on = applied_on - dt.timedelta(days=rng.randint(31, 60) if late else rng.randint(2, 28))
                contract_type, subtype = self._contract_type(signed_on)
                location = _weighted(rng, LOCATION_WEIGHTS)
                buyer_name, region = self._buyer(location)
                seller = rng.choice(self.district) if rng.random() < 0.85 else rng.choice(self.outside or self.district)
                amount = Decimal(str(round(rng.lognormvariate(4.6, 0.8), 2)))
                share = Decimal(1) if contract_type != ContractType.DEVELOPMENT else Decimal(str(rng.uniform(0.7, 1)))
                outcome = rng.random()
                pending = registered_on > self.as_of - dt.timedelta(days=10)
                status = (ContractStatus.APPLIED if pending else ContractStatus.REFUSED if outcome < 0.05
                          else ContractStatus.CANCELLED if outcome < 0.08 else ContractStatus.REGISTERED)
                numbered = status in (ContractStatus.REGISTERED, ContractStatus.CANCELLED)
                made.append(TechContract(
                    name=f"{rng.choice(topics).removesuffix('技术')}{TYPE_SUFFIX[contract_type]}合同",
                    contract_type=contract_type, subtype=subtype, seller=seller, buyer_name=buyer_name,
                    buyer_region_id=region, buyer_abroad=region is None, amount=amount,
                    tech_amount=(amount * share).quantize(CENT), signed_on=signed_on, applied_on=applied_on,
                    registered_on=registered_on if numbered else None, status=status,
                    refusal_reason=rng.choice(REFUSALS) if status == ContractStatus.REFUSED else "",
                    late_reason=rng.choice(LATE_REASONS) if late else "",
                ))
        # Serials follow the registration date within each year, as the registrar hands them out.
        for contract in sorted((c for c in made if c.registered_on), key=lambda c: c.registered_on):
            year = contract.registered_on.year
            serials[year] = serials.get(year, 0) + 1
            contract.registration_number = registration_number(year, serials[year])
        self._scale_to_targets(made)
        TechContract.objects.bulk_create(made)
        _audit_created(TechContract, made)
        ContractChange.objects.bulk_create(
            ContractChange(contract=c, kind=kind, at=_aware(day), before={}, after=snapshot(c),
                           reason=c.refusal_reason if kind == ContractChangeKind.REFUSAL else "")
            for c in made
            for kind, day in self._steps(c)
        )
        return made

    def _steps(self, contract):
        """(kind, day) of each step in a demo contract's history."""
        decided = contract.registered_on or contract.applied_on + dt.timedelta(days=5)
        later = {
            ContractStatus.REGISTERED: [(ContractChangeKind.REGISTRATION, decided)],
            ContractStatus.REFUSED: [(ContractChangeKind.REFUSAL, decided)],
            ContractStatus.CANCELLED: [
                (ContractChangeKind.REGISTRATION, decided),
                (ContractChangeKind.CANCELLATION, min(decided + dt.timedelta(days=90), self.as_of)),
            ],
        }
        return [(ContractChangeKind.APPLICATION, contract.applied_on)] + later.get(contract.status, [])

    def _scale_to_targets(self, contracts) -> None:
        """Scale each year's amounts so that its registered in-district turnover lands on YEAR_TURNOVER
        (a partial year, the as_of year, gets its share of the target)."""
        district = {firm.pk for firm in self.district}
        for year, target in YEAR_TURNOVER.items():
            counted = [c for c in contracts if c.status == ContractStatus.REGISTERED and c.registered_on.year == year
                       and c.seller_id in district]
            raw = sum((c.amount for c in counted), Decimal(0))
            if not counted or not raw:
                continue
            if year == self.as_of.year:
                target = target * (self.as_of.timetuple().tm_yday / 365)
            factor = Decimal(str(target)) / raw
            for c in (c for c in contracts if (c.registered_on or c.applied_on).year == year):
                ratio = c.tech_amount / c.amount if c.amount else Decimal(1)
                c.amount = (c.amount * factor).quantize(CENT, ROUND_HALF_UP)
                c.tech_amount = min(c.amount, (c.amount * ratio).quantize(CENT, ROUND_HALF_UP))

    # -- matches and challenges --------------------------------------------------------------------

    def make_matches(self, demands, achievements, contracts) -> int:
        rng = self.rng
        owner_firm = {a.pk: a.owner.enterprise_id for a in achievements if a.owner.enterprise_id}
        registered = [c for c in contracts if c.status == ContractStatus.REGISTERED]
        made = []
        for demand in sorted(rng.sample(demands, min(self.context.scaled(MATCHED_DEMANDS), len(demands))), key=lambda d: d.pk):
            for achievement_pk, score, reasons in index.achievements_for(demand, 3):
                created = _date(rng, max(demand.posted_on, dt.date(2021, 3, 1)), self.as_of)
                stage = _weighted(rng, ((MatchStage.RECOMMENDED, 30), (MatchStage.CONTACTED, 25), (MatchStage.NEGOTIATING, 15),
                                        (MatchStage.CONTRACTED, 12), (MatchStage.CLOSED, 18)))
                contract = None
                if stage == MatchStage.CONTRACTED:
                    later = [c for c in registered if c.registered_on >= created]
                    own = [c for c in later if c.seller_id == owner_firm.get(achievement_pk)]
                    if later:
                        contract = rng.choice(own or later)
                    else:
                        stage = MatchStage.NEGOTIATING
                made.append(Match(demand=demand, achievement_id=achievement_pk, score=score, reasons=reasons, stage=stage,
                                  contract=contract, created_at=_aware(created), stage_changed_at=_aware(created)))
        Match.objects.bulk_create(made)
        _audit_created(Match, made)
        return len(made)

    def make_challenges(self, demands, institutions) -> int:
        """Rounds of CHALLENGE_ROUND, one per REFERENCE_SIZE enterprises, written in bulk in their final
        state (proposals, reviews, the winner and its milestones)."""
        rng, as_of = self.rng, self.as_of
        officer = self.users.get(Role.OFFICER)
        reviewers = [officer] if officer else []
        solvers_by_domain: dict[str, list[Institution]] = {}
        for institution, domains in institutions:
            if institution.kind != InstitutionKind.ENTERPRISE:
                for domain in domains:
                    solvers_by_domain.setdefault(domain, []).append(institution)
        everyone = sorted({i.pk: i for group in solvers_by_domain.values() for i in group}.values(), key=lambda i: i.pk)
        statuses = CHALLENGE_ROUND * self.context.scaled(1)
        fundable = [d for d in demands if d.budget and d.budget >= 50]
        chosen = rng.sample(fundable, min(len(statuses), len(fundable)))
        challenges, accounts, proposals, reviews, milestones, winners = [], [], [], [], [], []
        first_serial = LedgerAccount.objects.filter(code__startswith=services.CHALLENGE_ACCOUNTS).count() + 1
        for demand, status in zip(chosen, statuses):
            support = Decimal(rng.choice((100, 200, 300, 500)))
            launched = as_of - dt.timedelta(days=rng.randint(20, 60) if status == ChallengeStatus.OPEN else rng.randint(200, 500))
            deadline = as_of + dt.timedelta(days=rng.randint(15, 60)) if status == ChallengeStatus.OPEN else launched + dt.timedelta(days=90)
            account = LedgerAccount(code=f"{services.CHALLENGE_ACCOUNTS}{first_serial + len(accounts):05d}",
                                    name=f"揭榜挂帅：{demand.title}"[:200], limit=support)
            accounts.append(account)
            challenge = Challenge(demand=demand, title=demand.title, support_amount=support, deadline=deadline,
                                  account=account, status=status, created_by=officer, created_on=launched)
            challenges.append(challenge)
            solvers = solvers_by_domain.get(demand.high_tech_domain_id, [])
            solvers = solvers + [i for i in everyone if i not in solvers][: max(0, 3 - len(solvers))]
            count = 0 if status == ChallengeStatus.UNSOLVED else rng.randint(2, min(4, len(solvers)))
            offered = [
                Proposal(challenge=challenge, institution=solver, title=f"{solver.name}关于“{demand.title}”的解决方案",
                         approach=f"针对“{demand.title}”，{solver.name}团队拟采用实验室验证、中试放大和现场示范三步推进，"
                                  f"分阶段交付技术方案、样机和验收报告。",
                         budget=support * Decimal("0.8"), months=rng.choice((12, 18, 24)),
                         submitted_on=launched + dt.timedelta(days=rng.randint(5, 40)))
                for solver in rng.sample(solvers, count)
            ]
            proposals += offered
            scores = [0] * len(offered)
            if status != ChallengeStatus.OPEN:
                for position, proposal in enumerate(offered):
                    for reviewer in reviewers:
                        review = Review(proposal=proposal, reviewer=reviewer, score=rng.randint(62, 95), comment="技术路线可行")
                        reviews.append(review)
                        scores[position] += review.score
            if status in (ChallengeStatus.AWARDED, ChallengeStatus.COMPLETED) and offered:
                winners.append((challenge, offered[max(range(len(offered)), key=scores.__getitem__)]))
                milestones += self._award(challenge, status, deadline + dt.timedelta(days=20), officer)
                demand.status = DemandStatus.SOLVED
            elif status == ChallengeStatus.UNSOLVED:
                challenge.result_published_on = deadline + dt.timedelta(days=1)
                demand.status = DemandStatus.OPEN
            else:
                demand.status = DemandStatus.CHALLENGE
        LedgerAccount.objects.bulk_create(accounts)
        _audit_created(LedgerAccount, accounts)
        Challenge.objects.bulk_create(challenges)
        Challenge.reviewers.through.objects.bulk_create(
            Challenge.reviewers.through(challenge_id=c.pk, user_id=r.pk) for c in challenges for r in reviewers
        )
        _audit_created(Proposal, Proposal.objects.bulk_create(proposals))
        _audit_created(Review, Review.objects.bulk_create(reviews))
        _audit_created(Milestone, Milestone.objects.bulk_create(milestones))
        self._pay_accepted(milestones, officer)
        for challenge, winner in winners:
            challenge.winner = winner
        Challenge.objects.bulk_update([challenge for challenge, _winner in winners], ["winner"])
        _audit_created(Challenge, challenges)
        Demand.objects.bulk_update([c.demand for c in challenges], ["status"])
        return len(challenges)

    def _award(self, challenge, status, decided_on, officer) -> list[Milestone]:
        shares = (Decimal("0.3"), Decimal("0.4"), Decimal("0.3"))
        titles = ("方案设计与实验室验证", "样机研制与中试", "现场示范与验收")
        challenge.result_published_on, milestones = decided_on, []
        for step, (title, share) in enumerate(zip(titles, shares)):
            accepted = status == ChallengeStatus.COMPLETED or step == 0
            due = decided_on + dt.timedelta(days=120 * (step + 1))
            amount = (challenge.support_amount * share).quantize(CENT)
            milestones.append(Milestone(
                challenge=challenge, title=title, due_on=due, amount=amount,
                status=MilestoneStatus.ACCEPTED if accepted else MilestoneStatus.PLANNED,
                accepted_on=min(due, self.as_of) if accepted else None, accepted_by=officer if accepted else None,
            ))
        return milestones

    def _pay_accepted(self, milestones, officer) -> None:
        """Each accepted milestone's payment as a PAY entry on its challenge's ledger account, in bulk,
        referenced as services.milestone_references does (the account, then the milestone's number in
        planning order), and the accounts' paid sums from those entries."""
        numbers, entries = {}, []
        for m in milestones:
            numbers[m.challenge_id] = numbers.get(m.challenge_id, 0) + 1
            if m.status == MilestoneStatus.ACCEPTED:
                entries.append(LedgerEntry(account=m.challenge.account, kind=EntryKind.PAY, amount=m.amount,
                                           reference=f"{m.challenge.account.code}/{numbers[m.challenge_id]}",
                                           note=m.title, by=officer, at=_aware(m.accepted_on)))
        LedgerEntry.objects.bulk_create(entries)
        accounts = {}
        for entry in entries:
            entry.account.paid += entry.amount
            accounts[entry.account.pk] = entry.account
        LedgerAccount.objects.bulk_update(accounts.values(), ["paid"])
        _audit_created(LedgerEntry, entries)


@register("techmarket", after=("registry",))
def populate(context) -> None:
    MarketBuilder(context).build()
