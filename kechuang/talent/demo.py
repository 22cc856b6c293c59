"""The demo's talent: a few hundred people scaled with the district, each with a made-up identity
number that passes GB 11643 (the check character computed, the birth date agreeing with the birth
year), a mobile number, a programme and level for most, and a consent record; the demo year's guidance
directory built from the demand the firms submitted, with gaps against the people on record.

Everything is written in bulk; the numbers are encrypted, indexed and masked as the service does."""
from __future__ import annotations

import datetime as dt

from kechuang.core.audit import record_bulk, snapshot
from kechuang.core.choices import AuditAction, Role
from kechuang.demo import fake, register
from kechuang.registry.models import Enterprise, Project
from kechuang.talent import crypto
from kechuang.talent.choices import ConsentForm, Education, EditionState, Gender, Mode, Scarcity, Title
from kechuang.talent.identity import check_char
from kechuang.talent.models import Consent, DirectoryRow, Edition, EmployerDemand, Programme, ProgrammeLevel, Talent
from kechuang.talent.services import sealed_id, sealed_phone
from kechuang.techmarket.models import Achievement

# Where the made-up people were registered at birth (GB/T 2260 county codes): mostly Tianjin.
AREAS = ("120116", "120116", "120116", "120101", "120104", "120111", "110108", "130102", "370102", "410105", "420111", "610113")
EDUCATIONS = ((Education.DOCTORATE, 30), (Education.MASTER, 35), (Education.BACHELOR, 25), (Education.COLLEGE, 6), (Education.VOCATIONAL, 4))
TITLES = ((Title.SENIOR, 15), (Title.ASSOCIATE, 25), (Title.INTERMEDIATE, 30), (Title.JUNIOR, 10), (Title.NONE, 20))
# (programme code, level code, weight); a person outside every programme is the remaining weight.
RECOGNITIONS = (("haihe", "a", 6), ("haihe", "academic", 14), ("haihe", "qualification", 6), ("haihe", "skill", 3),
                ("haihe", "startup", 2), ("green-card", "a", 4), ("green-card", "b", 7), ("green-card", "c", 9),
                ("haihe-craftsman", "awarded", 1), ("outstanding", "selected", 3), ("young", "selected", 6))
UNRECOGNISED = 39
POSITIONS = ("首席科学家", "技术总监", "研发工程师", "算法工程师", "产品经理", "高级技师", "实验室主任", "项目负责人", "测试工程师", "工艺工程师")
FIELDS = ("10", "10", "10", "20", "20", "40", "50", "60", "80", "80")
PEOPLE_AT_DEMO_FIRM = 5


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[-1] for p in pairs])[0]


def _id_number(rng, birth_year: int, taken: set) -> str:
    while True:
        birth = dt.date(birth_year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        first17 = f"{rng.choice(AREAS)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        number = first17 + check_char(first17)
        if number not in taken:
            taken.add(number)
            return number


def _people(context, firms, demo_firm, levels, officer):
    rng, as_of = context.rng, context.as_of
    at = int(dt.datetime.combine(as_of, dt.time(), tzinfo=dt.timezone.utc).timestamp())

    def encrypt(text):
        return crypto.encrypt_reproducibly(text, rng.randbytes(16), at)

    taken, people = set(), []
    for index in range(context.scaled(300)):
        employer = demo_firm if index < PEOPLE_AT_DEMO_FIRM and demo_firm else rng.choice(firms)
        birth_year = as_of.year - rng.randint(24, 62)
        number, phone = _id_number(rng, birth_year, taken), fake.mobile(rng)
        arrival = as_of - dt.timedelta(days=rng.randrange(10 * 365))
        options = [*RECOGNITIONS, (None, None, UNRECOGNISED)]
        recognition = rng.choices(options, weights=[option[2] for option in options])[0]
        level = levels.get(recognition[:2])
        year = rng.randint(max(arrival.year, 2018), as_of.year) if level else None
        people.append(Talent(
            name=fake.person(rng), gender=rng.choice(Gender.values), birth_year=birth_year, email=f"talent{index + 1:05d}@example.com",
            education=_weighted(rng, EDUCATIONS), title=_weighted(rng, TITLES), field_id=rng.choice(FIELDS), employer=employer,
            position=rng.choice(POSITIONS), level=level, recognition_year=year,
            recognition_document=f"津人才认〔{year}〕{rng.randint(1, 99)}号" if level else "",
            mode=Mode.FLEXIBLE if rng.random() < 0.2 else Mode.FULL_TIME, arrival_date=arrival,
            **sealed_id(number, encrypt), **sealed_phone(phone, encrypt),
        ))
    Talent.objects.bulk_create(people, batch_size=1000)
    record_bulk(Talent, [(AuditAction.CREATE, str(p.pk), str(p), None, snapshot(p)) for p in people])
    consents = [Consent(talent=p, purpose="人才政策兑现与服务", necessity="核验身份、兑现人才待遇须使用身份证号与手机号",
                        form=ConsentForm.WRITTEN if i % 3 == 0 else ConsentForm.SEPARATE, given_on=p.arrival_date, recorded_by=officer)
                for i, p in enumerate(people)]
    consents += [Consent(talent=p, purpose="科技人才图谱统计分析", necessity="按领域、单位统计人才分布，只使用去标识化数据",
                         given_on=p.arrival_date, recorded_by=officer) for p in people if rng.random() < 0.5]
    Consent.objects.bulk_create(consents, batch_size=1000)
    record_bulk(Consent, [(AuditAction.CREATE, str(c.pk), str(c), None, snapshot(c)) for c in consents])
    return people


def _links(context, people):
    """Who works on what: achievements of the person's employer (when it is an institution in the
    technology market) or a published one for a few, and the employer's registry projects."""
    rng = context.rng
    by_owner = {}
    for achievement in Achievement.objects.filter(owner__enterprise__isnull=False).order_by("pk").values("pk", "owner__enterprise_id"):
        by_owner.setdefault(achievement["owner__enterprise_id"], []).append(achievement["pk"])
    published = list(Achievement.objects.published().order_by("pk").values_list("pk", flat=True))
    projects = {}
    for project in Project.objects.order_by("pk").values("pk", "enterprise_id"):
        projects.setdefault(project["enterprise_id"], []).append(project["pk"])
    achievement_links, project_links = [], []
    for person in people:
        own = by_owner.get(person.employer_id) or (published if rng.random() < 0.12 else [])
        for pk in rng.sample(own, min(len(own), rng.randint(1, 2))) if own else ():
            achievement_links.append(Talent.achievements.through(talent_id=person.pk, achievement_id=pk))
        for pk in projects.get(person.employer_id, [])[:2]:
            if rng.random() < 0.5:
                project_links.append(Talent.projects.through(talent_id=person.pk, project_id=pk))
    Talent.achievements.through.objects.bulk_create(achievement_links, batch_size=2000)
    Talent.projects.through.objects.bulk_create(project_links, batch_size=2000)
    return len(achievement_links) + len(project_links)


def _directory(context, firms, demo_firm, officer):
    """The demo year's directory: the firms' demand collected, a row per field and position it names,
    and two rows the bureau adds for the programmes it wants to grow."""
    rng, as_of = context.rng, context.as_of
    edition = Edition.objects.create(
        year=as_of.year, title=f"{as_of.year}年高端人才指导目录", state=EditionState.PUBLISHED,
        collect_until=as_of - dt.timedelta(days=60), published_on=as_of - dt.timedelta(days=30),
        document=f"生态城科技局〔{as_of.year}〕{rng.randint(1, 40)}号",
    )
    askers = sorted({demo_firm, *rng.sample(firms, min(len(firms), context.scaled(24)))} - {None}, key=lambda f: f.uscc)
    demands = [
        EmployerDemand(edition=edition, enterprise=firm, field_id=rng.choice(FIELDS), position=rng.choice(POSITIONS[:5]),
                       profile="具有相关领域研发经验", education=rng.choice((Education.DOCTORATE, Education.MASTER, "")),
                       wanted=rng.randint(1, 6), submitted_by=context.users.get(Role.ENTERPRISE) if firm == demo_firm else None,
                       submitted_on=as_of - dt.timedelta(days=rng.randint(61, 120)))
        for firm in askers
    ]
    EmployerDemand.objects.bulk_create(demands)
    record_bulk(EmployerDemand, [(AuditAction.CREATE, str(d.pk), str(d), None, snapshot(d)) for d in demands])
    totals = {}
    for demand in demands:
        key = (demand.field_id, demand.enterprise.industry_id[:2] if demand.enterprise.industry_id else None, demand.position)
        totals[key] = totals.get(key, 0) + demand.wanted
    rows = [DirectoryRow(edition=edition, field_id=field, industry_id=division, position=position, wanted=wanted * 3,
                         profile="据用人单位需求汇总", scarcity=rng.choice(Scarcity.values))
            for (field, division, position), wanted in sorted(totals.items(), key=lambda item: tuple(str(part) for part in item[0]))]
    young, craftsman = Programme.objects.get(code="young"), Programme.objects.get(code="haihe-craftsman")
    rows += [
        DirectoryRow(edition=edition, field_id="10", position="青年科技骨干", programme=young, education=Education.MASTER,
                     wanted=context.scaled(40), scarcity=Scarcity.VERY_SCARCE, profile="35 岁以下，主持过省部级以上项目"),
        DirectoryRow(edition=edition, field_id="80", position="高技能领军人才", programme=craftsman, wanted=5,
                     scarcity=Scarcity.VERY_SCARCE, profile="高级技师，一线岗位 5 年以上"),
    ]
    rows = [row for row in rows if not row.industry_id or row.industry_id.isdigit()]
    DirectoryRow.objects.bulk_create(rows)
    record_bulk(Edition, [(AuditAction.CREATE, str(edition.pk), str(edition), None, snapshot(edition))])
    record_bulk(DirectoryRow, [(AuditAction.CREATE, str(r.pk), str(r), None, snapshot(r)) for r in rows])
    return rows, demands


@register("talent", after=("core", "registry", "techmarket"))
def populate(context):
    officer = context.users.get(Role.OFFICER)
    firms = list(Enterprise.objects.in_district().order_by("uscc"))
    if not firms:
        return
    demo_user = context.users.get(Role.ENTERPRISE)
    demo_firm = Enterprise.objects.filter(members=demo_user).order_by("pk").first() if demo_user else None
    levels = {(level.programme.code, level.code): level for level in ProgrammeLevel.objects.select_related("programme")}
    people = _people(context, firms, demo_firm, levels, officer)
    links = _links(context, people)
    rows, demands = _directory(context, firms, demo_firm, officer)
    context.stdout.write(f"talent: {len(people)} people, {links} links to achievements and projects, "
                         f"directory {context.as_of.year} with {len(rows)} rows from {len(demands)} demands\n")
