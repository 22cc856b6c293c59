"""The demo's carriers: the Eco-City's 众创空间、孵化器、加速器 and new carriers in the three clusters, tenants
entering since 2016 with graduates (on the graduation rule set in force on their date) moving up the
chain, the yearly 火炬统计 returns, two years of evaluation, and events: a competition taken from
registration to published results (its awards become registry prizes), a Demo Day with investors and
follow-ups, and a 创业周末 being judged now (the `expert` login is on its panel).

The `carrier` login operates 启迪之星 and finds its draft return for last year waiting."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from kechuang.carriers import evaluation, services
from kechuang.carriers.choices import (CHAIN_STAGE, CarrierKind, CarrierLevel, Cluster, Destination, EventKind,
                                       ReportState, TenantStatus)
from kechuang.carriers.facts import carrier_figures, tenant_facts
from kechuang.carriers.models import Carrier, CarrierReport, Event, Tenant
from kechuang.carriers.rules import ruleset_for
from kechuang.core.audit import record_bulk, snapshot
from kechuang.core.choices import AuditAction, Role
from kechuang.core.models import User
from kechuang.core.scoring import Criterion
from kechuang.demo import fake, register
from kechuang.registry.models import Certificate, Enterprise, Investment

K, M, D = CarrierKind, CarrierLevel, Cluster
# code, name, kind, level, cluster, field, specialised, floor area m², recognised in
CARRIERS = (
    ("qidi", "启迪之星（天津）孵化器", K.INCUBATOR, M.NATIONAL, D.CENTRAL, "智能科技", False, 15000, 2017),
    ("bhxk", "北航星空众创空间", K.MAKERSPACE, M.NATIONAL, D.SOUTH, "电子信息", True, 3200, 2018),
    ("thinkbig", "Think Big 众创空间", K.MAKERSPACE, M.MUNICIPAL, D.CENTRAL, "智能科技", False, 1800, 2019),
    ("hailiang", "海量大数据重度孵化器", K.INCUBATOR, M.MUNICIPAL, D.CENTRAL, "大数据", True, 8000, 2019),
    ("bkj", "北科建数字经济孵化器", K.INCUBATOR, M.DISTRICT, D.NORTH, "数字经济", True, 6000, 2021),
    ("thu-ei", "清华大学天津电子信息研究院双创中心", K.INNOVATION_CENTRE, M.DISTRICT, D.SOUTH, "电子信息", True, 5000, 2020),
    ("accel", "生态城工业加速器", K.ACCELERATOR, M.DISTRICT, D.NORTH, "智能制造与生物医药", True, 30000, 2022),
    ("sg-base", "中新合作孵化基地", K.SINO_SINGAPORE, M.DISTRICT, D.SOUTH, "医疗健康", True, 4000, 2023),
    ("factory", "生态城共享工厂", K.SHARED_FACTORY, M.DISTRICT, D.NORTH, "智能制造", True, 10000, 2023),
)
DOCUMENTS = {M.NATIONAL: "科技部认定（演示）", M.MUNICIPAL: "天津市科学技术局认定（演示）", M.DISTRICT: "生态城区级认定（演示）"}
DEMO_CARRIER = "qidi"
JUDGES = (("judge1", "马振华", "南开大学"), ("judge2", "冯丽", "天津创业投资管理有限公司"),
          ("judge3", "高远", "中国汽车技术研究中心"), ("judge4", "梁晨", "天津市科技创新发展中心"))
CRITERIA = [Criterion("tech", "技术创新性", Decimal(30), Decimal(10)), Criterion("market", "市场前景", Decimal(25), Decimal(10)),
            Criterion("team", "团队能力", Decimal(25), Decimal(10)), Criterion("finance", "财务与融资", Decimal(20), Decimal(10))]
OVERRIDE_REASON = "历史毕业记录：经区科技局研究同意（演示）"


# A larger district has more carriers than the Eco-City's own: district-level ones of the chain's kinds,
# made up, after the real ones (a district of REFERENCE_SIZE enterprises has exactly CARRIERS).
MORE_CARRIERS = ((K.MAKERSPACE, "众创空间", 1500, 2500), (K.MAKERSPACE, "众创空间", 1500, 2500), (K.INCUBATOR, "孵化器", 5000, 9000),
                 (K.ACCELERATOR, "加速器", 15000, 30000))
MORE_FIELDS = ("智能科技", "电子信息", "生物医药", "数字经济", "智能制造", "新材料", "节能环保")


def _more_carriers(context) -> list[tuple]:
    """CARRIERS-shaped rows for the carriers a district beyond REFERENCE_SIZE has besides the real ones."""
    rng, made = context.rng, []
    names = {name for _code, name, *_rest in CARRIERS}
    while len(made) < context.scaled(len(CARRIERS)) - len(CARRIERS):
        kind, suffix, smallest, largest = MORE_CARRIERS[len(made) % len(MORE_CARRIERS)]
        field = rng.choice(MORE_FIELDS)
        name = f"{fake.brand(rng)}{field}{suffix}"
        if name in names:
            continue
        names.add(name)
        made.append((f"demo-{len(made) + 1:04d}", name, kind, M.DISTRICT, rng.choice(Cluster.values), field, True,
                     round(rng.uniform(smallest, largest), -2), rng.randint(2016, context.as_of.year - 1)))
    return made


def _carriers(context) -> dict[str, Carrier]:
    firms = Enterprise.objects.in_district().order_by("uscc")
    every = CARRIERS + tuple(_more_carriers(context))
    # Long-established firms run the carriers; in a small district one firm may run several.
    operators = list(firms.filter(established__year__lte=2014)[: len(every)]) or list(firms[: len(every)])
    rows = []
    for index, (code, name, kind, level, cluster, field, specialised, area, year) in enumerate(every):
        operator = operators[index % len(operators)]
        recognised = min(dt.date(year, 6, 18), context.as_of)
        rows.append(Carrier(code=code, name=name, kind=kind, level=level, recognised_on=recognised,
                            recognition_document=DOCUMENTS[level], operator=operator, cluster=cluster, field=field,
                            specialised=specialised, floor_area=Decimal(area), address=f"中新天津生态城{fake.brand(context.rng)}路{context.rng.randint(1, 999)}号",
                            region_id=operator.region_id))
    Carrier.objects.bulk_create(rows)
    record_bulk(Carrier, [(AuditAction.CREATE, str(c.pk), str(c), None, snapshot(c)) for c in rows])
    carriers = {c.code: c for c in Carrier.objects.all()}
    user = context.users.get(Role.CARRIER)
    if user is not None:
        carriers[DEMO_CARRIER].members.add(user)
        user.organisation = carriers[DEMO_CARRIER].operator.name
        user.save(update_fields=["organisation"])
    return carriers


def _next_carrier(rng, carriers, stage):
    higher = [c for c in carriers.values() if CHAIN_STAGE[c.kind] == stage + 1]
    return rng.choice(higher) if higher else None


def _tenants(context, carriers) -> tuple[list, int]:
    rng, as_of = context.rng, context.as_of
    firms = list(Enterprise.objects.in_district().filter(established__gte=dt.date(2016, 1, 1),
                                                        established__lte=as_of - dt.timedelta(days=120)).order_by("uscc"))
    chosen = rng.sample(firms, min(len(firms), context.scaled(240)))
    enterprise_user = context.users.get(Role.ENTERPRISE)
    own = Enterprise.objects.filter(members=enterprise_user).order_by("uscc").first() if enterprise_user else None
    if own is not None and own not in chosen:
        chosen[0] = own
    entry_carriers = [c for c in carriers.values() if CHAIN_STAGE[c.kind] in (1, 2)]
    # Firms the registry shows growing (a 高企 certificate, equity raised) graduate more often, as they would.
    promising = set(Certificate.objects.filter(kind="hnte").values_list("enterprise_id", flat=True)) | set(
        Investment.objects.values_list("enterprise_id", flat=True))
    tenants, candidates = [], []
    for firm in chosen:
        carrier = carriers[DEMO_CARRIER] if firm == own else rng.choice(entry_carriers)
        # No stay before the district's first carriers (2016), whenever the firm was founded.
        entered = min(max(firm.established, dt.date(2016, 1, 1)) + dt.timedelta(days=rng.randint(0, 540)), as_of - dt.timedelta(days=30))
        tenant = Tenant(carrier=carrier, enterprise=firm, entered=entered, space=Decimal(rng.choice((40, 60, 80, 120, 200))))
        tenants.append(tenant)
        months = (as_of - entered).days // 30
        fate = rng.random()
        graduation = dt.date((entered + dt.timedelta(days=rng.randint(600, 1400))).year, 12, 15)
        if months >= 20 and fate < (0.9 if firm.pk in promising else 0.4) and graduation <= as_of:
            candidates.append((tenant, graduation))
        elif months >= 12 and fate < 0.7:
            tenant.status = TenantStatus.MOVED_OUT if fate < 0.65 else TenantStatus.CANCELLED
            tenant.exited = min(entered + dt.timedelta(days=rng.randint(200, 900)), as_of)
    Tenant.objects.bulk_create(tenants)
    follow_on, graduated = _graduate(context, carriers, candidates)
    for tenant in tenants:
        # Nobody incubates past 48 months (300号): a stay that did not graduate by then ended.
        if tenant.status == TenantStatus.INCUBATING and (as_of - tenant.entered).days > 4 * 365:
            tenant.status, tenant.exited = TenantStatus.MOVED_OUT, tenant.entered + dt.timedelta(days=rng.randint(900, 1460))
    # bulk_update writes one CASE per field over every row it is given: a statement over all 12,000 stays of
    # a 100,000-firm district ran past PostgreSQL's statement timeout, a batch at a time stays linear.
    Tenant.objects.bulk_update(tenants, GRADUATION_FIELDS, batch_size=UPDATE_BATCH)
    Tenant.objects.bulk_create(follow_on)
    every = tenants + follow_on
    record_bulk(Tenant, [(AuditAction.CREATE, str(t.pk), str(t), None, snapshot(t)) for t in every])
    return every, len(graduated)


UPDATE_BATCH = 1000
GRADUATION_FIELDS = ["status", "graduated_on", "exited", "graduation_ruleset", "graduation_facts", "override_reason",
                     "override_by", "destination", "destination_carrier"]


def _graduate(context, carriers, candidates):
    """Graduates on the rule set in force on their date, with the facts that met it; a few the criteria do
    not support, recorded with an officer's reason; graduates of the early stages move up the chain."""
    rng, officer = context.rng, context.users.get(Role.OFFICER)
    by_date = defaultdict(list)
    for tenant, on in candidates:
        if on > tenant.entered:
            by_date[on].append(tenant)
    follow_on, graduated = [], []
    for on in sorted(by_date):
        group = sorted(by_date[on], key=lambda t: t.enterprise.uscc)
        ruleset = ruleset_for("graduation", on)
        facts = tenant_facts(group, on)
        for tenant in group:
            result = ruleset.evaluate(facts[tenant.pk])
            supported = result["status"] == "eligible"
            if not supported and rng.random() > 0.2:
                continue
            stage = CHAIN_STAGE[tenant.carrier.kind]
            nxt = _next_carrier(rng, carriers, stage) if rng.random() < 0.5 else None
            destination = Destination.NEXT_CARRIER if nxt and nxt.recognised_on <= on else rng.choice((Destination.PARK, Destination.PARK, Destination.STAYED, Destination.ELSEWHERE))
            tenant.status, tenant.graduated_on, tenant.exited = TenantStatus.GRADUATED, on, on
            tenant.graduation_ruleset = ruleset.ident
            tenant.graduation_facts = {"document_number": ruleset.document_number, "as_of": on.isoformat(),
                                       "met": services.plain_json(result["met"])}
            tenant.override_reason = "" if supported else OVERRIDE_REASON
            tenant.override_by = None if supported else officer
            tenant.destination = destination
            if destination == Destination.NEXT_CARRIER:
                tenant.destination_carrier = nxt
                follow_on.append(Tenant(carrier=nxt, enterprise=tenant.enterprise, entered=on, space=Decimal(300)))
            graduated.append(tenant)
    return follow_on, graduated


def _reports(context, carriers) -> list:
    rng, year = context.rng, context.as_of.year - 1
    rows = []
    figures = {y: carrier_figures(y) for y in (year - 1, year)}
    for code, carrier in sorted(carriers.items()):
        for y, state in ((year - 1, ReportState.ACCEPTED), (year, ReportState.DRAFT if code == DEMO_CARRIER else ReportState.SUBMITTED)):
            if carrier.recognised_on.year > y:
                continue
            staff = rng.randint(6, 25)
            report = CarrierReport(carrier=carrier, year=y, due=min(dt.date(y + 1, 3, 31), context.as_of + dt.timedelta(days=20)) if state == ReportState.DRAFT else dt.date(y + 1, 3, 31),
                                   state=state, staff=staff, professional_staff=rng.randint(staff // 2, staff),
                                   mentors=rng.randint(2, 15), incubation_fund=Decimal(rng.choice((100, 300, 500, 800))),
                                   service_income=Decimal(rng.randint(10, 200)), rent_income=Decimal(rng.randint(50, 400)),
                                   investment_cases=rng.randint(0, 8), services_delivered=rng.randint(20, 200),
                                   events_held=rng.randint(4, 30))
            if state != ReportState.DRAFT:
                report.computed = services.registry_part(figures[y][carrier.pk])
            rows.append(report)
    CarrierReport.objects.bulk_create(rows)
    record_bulk(CarrierReport, [(AuditAction.CREATE, str(r.pk), str(r), None, snapshot(r)) for r in rows])
    return rows


def _judges(context) -> list[User]:
    expert = context.users.get(Role.EXPERT)
    password = expert.password if expert else "!"
    made = [User(username=username, first_name=name, organisation=organisation, role=Role.EXPERT, password=password)
            for username, name, organisation in JUDGES]
    User.objects.bulk_create(made)
    return ([expert] if expert else []) + list(User.objects.filter(username__in=[j[0] for j in JUDGES]).order_by("username"))


def _score_round(rng, round_, entries, criteria=CRITERIA):
    judges = list(round_.judges.select_related("user").order_by("user__username"))
    sheets = []
    for entry in entries:
        strength = rng.uniform(5, 9.5)
        for judge in judges:
            if not services.exclusion(judge, entry):
                sheets.append((entry, judge.user, {c.key: str(round(min(10, max(0, strength + rng.uniform(-1.2, 1.2))), 1)) for c in criteria}))
    services.submit_scores(round_, sheets)


def _events(context, carriers, tenants) -> list[Event]:
    rng, as_of, officer = context.rng, context.as_of, context.users[Role.OFFICER]
    judges = _judges(context)
    firms = sorted({t.enterprise for t in tenants if t.status in (TenantStatus.INCUBATING, TenantStatus.GRADUATED)}, key=lambda e: e.uscc)
    year = as_of.year - 1
    competition = Event.objects.create(code=f"tj-cxcy-{year}", name=f"{year}年天津市创新创业大赛（生态城赛区）", kind=EventKind.COMPETITION,
                                       starts=dt.date(year, 6, 1), ends=dt.date(year, 9, 30), tracks=["企业组", "团队组"], prize_level="provincial")
    rounds = [services.add_round(competition, 1, "初赛", CRITERIA, mode="网络评审", advance=6),
              services.add_round(competition, 2, "复赛", CRITERIA, mode="现场答辩", advance=3),
              services.add_round(competition, 3, "决赛", CRITERIA, mode="现场答辩")]
    entrants = rng.sample(firms, min(10, len(firms)))
    for number, round_ in enumerate(rounds):
        for judge in judges:
            declared = [entrants[0].uscc] if judge.username == "judge2" else []
            services.add_judge(round_, judge, declared=declared)
    for firm in entrants:
        services.register_entry(competition, f"{firm.name}创新项目", track="企业组", enterprise=firm)
    for team in ("星火智能团队", "蓝海医疗团队"):
        services.register_entry(competition, f"{team}项目", track="团队组", team_name=team, team_leader=fake.person(rng))
    services.open_judging(competition, officer)
    for round_ in rounds:
        _score_round(rng, round_, list(competition.entries.filter(reached__gte=round_.number).order_by("pk")))
        services.close_round(round_, officer)
    finalists = list(competition.entries.filter(final_rank__isnull=False).order_by("final_rank", "pk"))
    services.publish(competition, dict(zip([e.pk for e in finalists], ("first", "second", "third"))), officer, on=dt.date(year, 9, 30))

    thu = carriers["thu-ei"]
    demo_day = Event.objects.create(code=f"thu-demoday-{year}", name=f"清华电子院 Demo Day {year} 秋季专场", kind=EventKind.DEMO_DAY,
                                    organiser=thu, starts=dt.date(year, 10, 20), ends=dt.date(year, 10, 20))
    pitch_criteria = [Criterion("pitch", "路演表现", Decimal(1), Decimal(10))]
    pitch = services.add_round(demo_day, 1, "路演", pitch_criteria, mode="现场路演")
    for judge in judges[:3]:
        services.add_judge(pitch, judge)
    pitched = [services.register_entry(demo_day, f"{firm.name}路演", enterprise=firm) for firm in rng.sample(firms, min(6, len(firms)))]
    services.open_judging(demo_day, officer)
    _score_round(rng, pitch, pitched, pitch_criteria)
    services.close_round(pitch, officer)
    services.publish(demo_day, {}, officer, on=dt.date(year, 10, 20))
    investors = [services.add_investor(demo_day, fake.person(rng), institution, officer)
                 for institution in ("天津创业投资管理有限公司", "海河产业基金", "启迪之星创投", "生态城投资基金", "北航投资")]
    for investor in investors:
        for entry in rng.sample(pitched, min(2, len(pitched))):
            services.add_follow_up(investor, entry, dt.date(year, 11, rng.randint(1, 28)), "约见洽谈", officer)

    weekend = Event.objects.create(code=f"bhxk-weekend-{as_of:%Y%m}", name=f"北航星空众创 创业周末 {as_of:%Y年%m月}",
                                   kind=EventKind.STARTUP_WEEKEND, organiser=carriers["bhxk"],
                                   starts=as_of - dt.timedelta(days=9), ends=as_of - dt.timedelta(days=8), tracks=["硬科技", "数字创意"])
    judging = services.add_round(weekend, 1, "路演评审", CRITERIA, mode="现场路演")
    for judge in judges:
        services.add_judge(judging, judge)
    for i, team in enumerate(("周末一号队", "智造小分队", "数字创意组")):
        services.register_entry(weekend, f"{team}作品", track=weekend.tracks[i % 2], team_name=team, team_leader=fake.person(rng))
    services.open_judging(weekend, officer)
    return [competition, demo_day, weekend]


@register("carriers", after=("core", "registry"))
def populate(context):
    carriers = _carriers(context)
    tenants, graduated = _tenants(context, carriers)
    reports = _reports(context, carriers)
    year = context.as_of.year - 1
    evaluation.evaluate_year(year - 1)
    evaluation.evaluate_year(year)
    events = _events(context, carriers, tenants)
    context.stdout.write(f"carriers: {len(carriers)} carriers, {len(tenants)} stays, {graduated} graduates, "
                         f"{len(reports)} yearly reports, {len(events)} events\n")
