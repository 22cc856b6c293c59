"""The demo district's registry: enterprises of the Eco-City's leading industries with five years of
figures, IP and certificates that agree with one another. See `kechuang.demo` for the contract.

Each firm is simulated from its founding to `as_of` (revenue path, R&D intensity, tech staff share,
patent filings), and its certificates are issued only in years when that simulated history meets the
tier's criteria roughly (津科规〔2021〕3号, 国科发火〔2016〕32号, 国科发政〔2017〕115号), so that tier
screening over the demo gives believable answers. Only the last five calendar years of figures are
stored, as a bureau's registry would hold them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from kechuang.core.audit import record_bulk, snapshot
from kechuang.core.choices import IPClass, Role
from kechuang.core.models import HighTechDomain, Industry, IPKind, Region
from kechuang.demo import fake, register
from kechuang.registry.choices import (
    AcquiredBy,
    CertificateKind,
    CompetitionAward,
    DataSource,
    IPStatus,
    Level,
    RegistrationStatus,
    StandardLevel,
    StandardRole,
)
from kechuang.registry.models import (
    Award,
    Certificate,
    CompetitionPrize,
    Enterprise,
    IntellectualProperty,
    Investment,
    Project,
    RDInstitution,
    Standard,
    YearlyData,
)
from kechuang.registry.validators import USCC_CHARSET, patent_check_char, uscc_check_char

YEARS_OF_FIGURES = 5
FIRST_FOUNDING_YEAR = 2005
HOME_SHARE, COUNTY_SHARE = 0.85, 0.10  # the rest registered elsewhere in the province
ANCHOR_SHARE = 0.0025
GONE_SHARES = ((RegistrationStatus.MOVED_OUT, 0.025), (RegistrationStatus.CANCELLED, 0.015), (RegistrationStatus.REVOKED, 0.01))


@dataclass(frozen=True)
class Sector:
    """One of the Eco-City's leading industries, with the GB/T 4754-2017 小类 its firms register under."""

    label: str
    weight: float
    industries: tuple[str, ...]
    domains: tuple[str | None, ...]  # high-tech domain codes; None for a firm outside the 8 domains
    tech_share: float  # share of its firms that do R&D in earnest
    ip_kinds: tuple[tuple[str, float], ...]
    words: tuple[str, ...]
    suffixes: tuple[str, ...]
    subjects: tuple[str, ...]


SECTORS = (
    Sector(
        "智能科技", 0.30,
        ("6511", "6512", "6513", "6519", "6531", "6532", "6550", "6560", "6450", "3491", "3964", "3962"),
        ("10", "10", "10", "80", "50"), 0.8,
        (("software_copyright", 5), ("invention_patent", 0.5), ("utility_model", 1.5), ("design_patent", 0.3)),
        ("智能", "智慧", "数智", "云联", "数据", "视觉", "物联", "智行"),
        ("科技", "信息技术", "智能科技", "软件"),
        ("图像识别", "路径规划", "边缘计算", "数据采集", "智能调度", "语音交互", "目标检测", "设备巡检", "知识图谱", "城市运行监测"),
    ),
    Sector(
        "大健康", 0.22,
        ("2761", "2762", "2720", "2740", "2770", "3581", "3584", "3589", "7340", "8491", "7244"),
        ("20", "20", "20", None), 0.7,
        (("invention_patent", 1), ("utility_model", 3), ("design_patent", 0.5), ("software_copyright", 0.5), ("national_new_drug", 0.03)),
        ("生物", "医疗", "健康", "医药", "基因", "康复", "诊断"),
        ("科技", "生物技术", "医疗器械", "医药科技"),
        ("单克隆抗体", "多肽药物", "体外诊断试剂", "医用导管", "康复训练装置", "核酸检测", "细胞培养", "药物递送", "肿瘤标志物检测"),
    ),
    Sector(
        "电子信息", 0.20,
        ("6520", "3973", "3976", "3983", "3989", "3921", "3922", "3974", "3972", "3912"),
        ("10", "10", "40", "80"), 0.8,
        (("invention_patent", 1), ("utility_model", 3), ("ic_layout", 0.4), ("software_copyright", 1), ("design_patent", 0.3)),
        ("电子", "微电子", "光电", "芯", "半导体", "通信", "传感"),
        ("科技", "电子科技", "半导体", "微电子"),
        ("光电芯片", "射频电路", "芯片封装结构", "MEMS传感器", "信号处理电路", "阵列天线", "驱动电路", "电源管理芯片", "光模块"),
    ),
    Sector(
        "现代文旅", 0.12,
        ("8810", "6572", "7284", "7291", "9030", "6579", "7282", "9051", "8730"),
        ("50", None, None), 0.25,
        (("software_copyright", 3), ("design_patent", 2), ("utility_model", 0.5)),
        ("文化", "文旅", "传媒", "影视", "旅游", "数字文化"),
        ("文化传播", "文化科技", "传媒", "旅游发展"),
        ("虚拟现实展示", "智慧导览", "电子票务", "互动投影", "动画渲染", "沉浸式演艺"),
    ),
    Sector(
        "创意设计", 0.10,
        ("7491", "7492", "7484", "6572", "8626"),
        ("50", "80", None), 0.45,
        (("design_patent", 3), ("utility_model", 2), ("software_copyright", 1)),
        ("设计", "创意", "工业设计", "造物"),
        ("设计", "创意设计", "科技"),
        ("设备外壳", "办公座椅", "照明灯具", "包装结构", "展示架", "人机交互界面"),
    ),
    Sector(
        "节能环保与新材料", 0.06,
        ("7514", "7515", "3841", "7461", "7452", "7530", "7520", "3591", "2666"),
        ("60", "70", "40", "50"), 0.55,
        (("invention_patent", 0.7), ("utility_model", 3), ("software_copyright", 1)),
        ("环保", "新能源", "绿能", "新材料", "检测", "节能"),
        ("科技", "环境科技", "能源科技", "检测技术"),
        ("储能电池", "污水处理", "光伏组件", "防腐涂层材料", "在线检测装置", "余热回收"),
    ),
)

# Streets of the Eco-City for firms registered there, ordinary street names elsewhere.
HOME_ROADS = ("中天大道", "中新大道", "中成大道", "和畅路", "和旭路", "和惠路", "汉北路", "海博道", "动漫中路", "中滨大道", "中生大道", "信息园路")
OTHER_ROADS = ("新华路", "建设路", "黄海路", "津塘路", "西环路", "东海路", "迎宾大道", "红旗路", "复兴路", "卫津路")
INVESTORS = ("天津海河产业基金", "滨海产业发展基金", "启迪之星创投", "深圳市创新投资集团", "天津科技融资控股集团", "天津创业投资有限公司", "北京航天科工创投", "天津泰达科技投资")
PROJECT_NAMES = ((Level.NATIONAL, "国家重点研发计划课题"), (Level.PROVINCIAL, "天津市重点研发计划项目"), (Level.PROVINCIAL, "天津市科技支撑重点项目"))
INSTITUTION_NAMES = ((Level.NATIONAL, "国家企业技术中心"), (Level.PROVINCIAL, "天津市企业重点实验室"), (Level.PROVINCIAL, "天津市企业技术中心"), (Level.PROVINCIAL, "天津市工程技术研究中心"))
AWARD_NAMES = ((Level.NATIONAL, "国家科学技术进步奖二等奖"), (Level.PROVINCIAL, "天津市科学技术进步奖一等奖"), (Level.PROVINCIAL, "天津市科学技术进步奖二等奖"), (Level.PROVINCIAL, "天津市技术发明奖三等奖"))
COMPETITIONS = ((Level.NATIONAL, "中国创新创业大赛"), (Level.PROVINCIAL, "中国创新创业大赛（天津赛区）"), (Level.PROVINCIAL, "天津市“创新之星”评选大赛"))

# Patent application number: year, kind digit, 7-digit serial (专利申请号 since 2003), then a check digit.
PATENT_KIND_DIGIT = {"invention_patent": "1", "utility_model": "2", "design_patent": "3"}
# (days from filing to grant: low, high), protection term in years from filing (None: no end date)
IP_TIMING = {
    "invention_patent": ((548, 1095), 20),
    "utility_model": ((180, 365), 10),
    "design_patent": ((120, 300), 10),
    "software_copyright": ((30, 90), None),
    "ic_layout": ((60, 180), 10),
    "national_new_drug": ((700, 1500), None),
}
IP_LAPSE_RATE = 0.12
RD_CUT_RATE = 0.03  # granted rights dropped early (annual fee unpaid, invalidated)


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.2f}")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _weighted(rng, pairs):
    items, weights = zip(*pairs)
    return rng.choices(items, weights=weights)[0]


def _poisson(rng, mean: float) -> int:
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-min(mean, 30)), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _random_day(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


@dataclass
class Firm:
    """A simulated enterprise: the registration row plus the latent history its records are drawn from."""

    enterprise: Enterprise
    sector: Sector
    gone_on: date | None
    innovative: bool
    rd_ratio: float
    tech_share: float
    high_tech_share: float
    ip_rate: float
    productivity: float  # operating revenue per employee, 万元
    brand: str  # the short name the firm puts on its products
    revenue: dict[int, float] = field(default_factory=dict)  # whole years founded..as_of.year-1, 万元
    ip: list[IntellectualProperty] = field(default_factory=list)
    rd_cut: bool = False  # R&D spending collapsed in the newest year: a monitoring alert
    records_from: int | None = None  # first year it holds an award, institution, standard, project…
    near_miss: bool = False

    @property
    def established(self) -> date:
        return self.enterprise.established

    def active_in(self, year: int) -> bool:
        return self.established.year <= year and (self.gone_on is None or year < self.gone_on.year)

    def valid_ip_on(self, day: date, class_one: set[str]) -> tuple[int, int]:
        """(Ⅰ类, Ⅱ类) rights valid on `day`, by the simulated grant and end dates; `class_one` holds the
        IP kinds of Ⅰ类."""
        first = second = 0
        for right in self.ip:
            if right.granted and right.granted <= day and (right.expires is None or right.expires > day):
                if right.kind_id in class_one:
                    first += 1
                else:
                    second += 1
        return first, second


class DistrictBuilder:
    """Simulates the firms first, then derives every record from their histories, then bulk-writes it all."""

    def __init__(self, context):
        self.rng = context.rng
        self.as_of = context.as_of
        self.count = context.enterprise_count
        self.users = context.users
        self.stdout = context.stdout
        self.figure_years = range(self.as_of.year - YEARS_OF_FIGURES, self.as_of.year)
        self.firms: list[Firm] = []
        self.taken_uscc = set(Enterprise.objects.values_list("uscc", flat=True))
        self.taken_numbers = set(IntellectualProperty.objects.values_list("number", flat=True))
        self.taken_names: set[str] = set(Enterprise.objects.values_list("name", flat=True))
        self._load_references()

    def _load_references(self):
        codes = {code for sector in SECTORS for code in sector.industries}
        missing = codes - set(Industry.objects.filter(code__in=codes).values_list("code", flat=True))
        domains = {code for sector in SECTORS for code in sector.domains if code}
        missing |= domains - set(HighTechDomain.objects.filter(code__in=domains).values_list("code", flat=True))
        kinds = {kind for sector in SECTORS for kind, _ in sector.ip_kinds}
        missing |= kinds - set(IPKind.objects.filter(code__in=kinds).values_list("code", flat=True))
        if missing:
            raise RuntimeError(f"reference data not loaded (run migrate): {sorted(missing)}")
        self.class_one = set(IPKind.objects.filter(ip_class=IPClass.CLASS_I).values_list("code", flat=True))
        district = settings.KECHUANG_DISTRICT_CODE
        townships = Region.objects.filter(level="township").order_by("code")
        self.home_regions = list(townships.filter(code__startswith=district))
        enclosing = district[:6] if len(district) > 6 else district[:4]
        self.county_regions = list(townships.filter(code__startswith=enclosing).exclude(code__startswith=district))
        self.wider_regions = list(townships.filter(code__startswith=district[:2]).exclude(code__startswith=enclosing))
        if not self.home_regions:
            raise RuntimeError(f"no township-level region under the district code {district}")
        used = self.home_regions + self.county_regions + self.wider_regions
        self.region_names = dict(Region.objects.filter(code__in={c for r in used for c in (r.code[:2], r.code[:6])}).values_list("code", "name"))

    # -- enterprises -------------------------------------------------------------------------------

    def build(self):
        self.make_firms()
        self.simulate()
        self.pick_near_miss()
        self.make_ip()
        records = self.make_records()
        certificates = self.make_certificates()
        yearly = self.make_yearly()
        self.save(yearly, records, certificates)

    def make_firms(self):
        rng, n = self.rng, self.count
        order = list(range(n))
        rng.shuffle(order)
        home_count, county_count = round(n * HOME_SHARE), round(n * COUNTY_SHARE)
        placement = {}
        for position, index in enumerate(order):
            if position < home_count or not (self.county_regions or self.wider_regions):
                placement[index] = self.home_regions
            elif position < home_count + county_count or not self.wider_regions:
                placement[index] = self.county_regions or self.wider_regions
            else:
                placement[index] = self.wider_regions
        gone = {}
        rng.shuffle(order)
        cursor = 0
        for status, share in GONE_SHARES:
            for index in order[cursor : cursor + round(n * share)]:
                gone[index] = status
            cursor += round(n * share)
        founding_years = list(range(FIRST_FOUNDING_YEAR, self.as_of.year + 1))
        # The Eco-City broke ground in 2008 and its firm count has grown year on year since.
        year_weights = [1 + 0.35 * (year - FIRST_FOUNDING_YEAR) for year in founding_years]
        for index in range(n):
            sector = _weighted(rng, [(s, s.weight) for s in SECTORS])
            year = rng.choices(founding_years, weights=year_weights)[0]
            last_day = min(date(year, 12, 31), self.as_of - timedelta(days=30))
            established = _random_day(rng, date(year, 1, 1), last_day)
            region = rng.choice(placement[index])
            status = gone.get(index) or _weighted(rng, [(RegistrationStatus.SUBSISTING, 0.8), (RegistrationStatus.OPERATING, 0.2)])
            gone_on = None
            if index in gone:
                gone_on = _random_day(rng, established + timedelta(days=365), self.as_of) if (self.as_of - established).days > 400 else self.as_of
            innovative = rng.random() < sector.tech_share
            brand = fake.brand(rng)
            enterprise = Enterprise(
                uscc=self.new_uscc(region.code[:6], established),
                name=self.new_name(sector, region, brand),
                established=established,
                region_id=region.code,
                industry_id=rng.choice(sector.industries),
                high_tech_domain_id=rng.choice(sector.domains) if innovative else None,
                registered_capital=_money(self.capital()),
                address=self.address(region),
                status=status,
                contact_person=fake.person(rng),
                contact_phone=fake.phone(rng),
            )
            firm = Firm(
                enterprise=enterprise,
                sector=sector,
                gone_on=gone_on,
                innovative=innovative,
                rd_ratio=min(0.6, rng.lognormvariate(math.log(0.06), 0.6)) if innovative else (0.0 if rng.random() < 0.5 else rng.lognormvariate(math.log(0.008), 0.7)),
                tech_share=rng.uniform(0.1, 0.6) if innovative else rng.uniform(0.0, 0.15),
                high_tech_share=rng.uniform(0.4, 0.98) if innovative else rng.uniform(0.0, 0.3),
                ip_rate=rng.lognormvariate(math.log(0.45), 0.7) if innovative else rng.uniform(0.0, 0.15),
                productivity=rng.lognormvariate(math.log(45), 0.35),
                brand=brand,
                rd_cut=innovative and rng.random() < RD_CUT_RATE,
            )
            self.firms.append(firm)

    def new_uscc(self, region6: str, established: date) -> str:
        """91 (company) + region + organisation code (GB 11714, with its own check) + GB 32100 check."""
        rng = self.rng
        while True:
            if established.year >= 2015:  # codes assigned since the reform start with MA
                body = "MA" + "".join(rng.choice(USCC_CHARSET) for _ in range(6))
            else:
                body = "".join(rng.choice("0123456789") for _ in range(8))
            values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
            check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
            first17 = f"91{region6}{body}{'X' if check == 10 else '0' if check == 11 else check}"
            uscc = first17 + uscc_check_char(first17)
            if uscc not in self.taken_uscc:
                self.taken_uscc.add(uscc)
                return uscc

    def new_name(self, sector: Sector, region: Region, brand: str) -> str:
        rng = self.rng
        place = self.region_names.get(region.code[:2], "").rstrip("市省") or "中新"
        for _ in range(1000):
            word, suffix = rng.choice(sector.words), rng.choice(sector.suffixes)
            name = rng.choice(
                (
                    f"{place}{brand}{word}{suffix}有限公司",
                    f"{brand}{word}（{place}）{suffix}有限公司",
                    f"{place}市{brand}{word}{suffix}有限公司",
                    f"{brand}{word}{suffix}（{place}）有限公司",
                )
            )
            if name not in self.taken_names:
                self.taken_names.add(name)
                return name
        raise RuntimeError(f"no unused company name left for the brand {brand}")

    def capital(self) -> float:
        amount = self.rng.lognormvariate(math.log(500), 1.0)
        step = 10 if amount < 200 else 50 if amount < 2000 else 500
        return max(10, round(amount / step) * step)

    def address(self, region: Region) -> str:
        rng = self.rng
        county = self.region_names.get(region.code[:6], "")
        return f"{self.region_names.get(region.code[:2], '')}{county}{region.name}{rng.choice(HOME_ROADS if region in self.home_regions else OTHER_ROADS)}{rng.randint(1, 999)}号{rng.randint(1, 20)}号楼{rng.randint(101, 1808)}室"

    # -- latent history ----------------------------------------------------------------------------

    def simulate(self):
        """A revenue path per firm: log-normal first-year size, growth that slows with age."""
        rng = self.rng
        for firm in self.firms:
            revenue = rng.lognormvariate(math.log(60), 1.3)
            pace = rng.gauss(0.22, 0.18) + (0.08 if firm.innovative else 0.0)
            first = firm.established.year
            for year in range(first, self.as_of.year):
                if year > first:
                    age = year - first
                    growth = pace * math.exp(-age / 9) + rng.gauss(0.02, 0.12)
                    revenue *= 1 + max(-0.4, min(1.5, growth))
                share_of_year = (date(year, 12, 31) - max(firm.established, date(year, 1, 1))).days / 365 if year == first else 1
                firm.revenue[year] = max(1.0, revenue * max(share_of_year, 0.05))
        self.grow_anchors()

    def grow_anchors(self):
        """A few established innovators grow into the district's anchor firms (营业收入 2–8 亿元), the
        candidates for 科技领军(培育)."""
        rng, last = self.rng, self.as_of.year - 1
        mature = [f for f in self.firms if f.innovative and f.gone_on is None and f.established.year <= last - 8]
        mature.sort(key=lambda f: f.revenue[last], reverse=True)
        for firm in mature[: max(1, round(self.count * ANCHOR_SHARE))]:
            size = rng.uniform(20000, 80000)
            if firm.revenue[last] < size:
                factor = size / firm.revenue[last]
                firm.revenue = {year: value * factor for year, value in firm.revenue.items()}
            firm.rd_ratio, firm.ip_rate = rng.uniform(0.035, 0.07), rng.uniform(4, 8)

    def pick_near_miss(self):
        """The demo enterprise login's firm: a mid-size software firm in the district that meets every 高企
        condition but the R&D ratio (4.2% of sales where 5% is needed), for the "path to 高企" page."""
        if Role.ENTERPRISE not in self.users or not self.firms:
            return
        last = self.as_of.year - 1
        candidates = [
            f for f in self.firms
            if f.enterprise.in_district and f.established.year <= last - 3 and f.sector.label in ("智能科技", "电子信息")
        ] or self.firms
        target = 2500.0
        firm = min(candidates, key=lambda f: abs(math.log(f.revenue.get(last, 1.0) / target)))
        factor = target / firm.revenue.get(last, target)
        firm.revenue = {year: value * factor for year, value in firm.revenue.items()}
        firm.innovative, firm.near_miss, firm.rd_cut = True, True, False
        firm.rd_ratio, firm.tech_share, firm.high_tech_share, firm.ip_rate = 0.042, 0.28, 0.72, 1.2
        firm.enterprise.high_tech_domain_id = "10"
        firm.enterprise.status = RegistrationStatus.SUBSISTING
        firm.gone_on = None

    # -- intellectual property ---------------------------------------------------------------------

    def make_ip(self):
        rng = self.rng
        for firm in self.firms:
            end = min(self.as_of, firm.gone_on or self.as_of)
            for year in range(firm.established.year, end.year + 1):
                size = 1 + math.log10(1 + firm.revenue.get(year, firm.revenue.get(year - 1, 50.0)) / 500)
                for _ in range(_poisson(rng, firm.ip_rate * size)):
                    filed = _random_day(rng, max(firm.established, date(year, 1, 1)), min(end, date(year, 12, 31)))
                    firm.ip.append(self.new_right(firm, _weighted(rng, firm.sector.ip_kinds), filed))
        # A minority of rights are held jointly with another firm of the district.
        firms_with_ip = [firm for firm in self.firms if firm.ip]
        self.co_owners = {}
        for firm in firms_with_ip:
            for right in firm.ip:
                if rng.random() < 0.04 and len(firms_with_ip) > 1:
                    partner = rng.choice(firms_with_ip)
                    if partner is not firm and partner.established <= right.filed:
                        self.co_owners[right.number] = partner

    def new_right(self, firm: Firm, kind: str, filed: date) -> IntellectualProperty:
        rng = self.rng
        (low, high), term = IP_TIMING[kind]
        granted = filed + timedelta(days=rng.randint(low, high))
        if kind == "design_patent" and filed >= date(2021, 6, 1):
            term = 15  # 专利法 2020 amendment
        natural_end = _add_years(filed, term) if term else None
        number = self.new_ip_number(kind, filed, granted)
        status, expires = IPStatus.VALID, natural_end
        if granted > self.as_of:
            status, granted, expires = IPStatus.PENDING, None, None
        else:
            lapse = _add_years(granted, rng.randint(1, 8)) if rng.random() < IP_LAPSE_RATE else None
            end = min(d for d in (natural_end, lapse) if d) if (natural_end or lapse) else None
            if end is not None and end <= self.as_of:
                status, expires = IPStatus.INVALID, end
        return IntellectualProperty(
            number=number,
            kind_id=kind,
            title=self.ip_title(firm, kind),
            filed=filed,
            granted=granted,
            expires=expires,
            status=status,
            acquired_by=_weighted(rng, [(AcquiredBy.SELF, 0.9), (AcquiredBy.TRANSFER, 0.07), (AcquiredBy.GIFT, 0.01), (AcquiredBy.MERGER, 0.02)]),
        )

    def new_ip_number(self, kind: str, filed: date, granted: date) -> str:
        rng = self.rng
        while True:
            serial = rng.randint(0, 9_999_999)
            if kind in PATENT_KIND_DIGIT:
                digits = f"{filed.year}{PATENT_KIND_DIGIT[kind]}{serial:07d}"
                number = f"{digits}.{patent_check_char(digits)}"
            elif kind == "software_copyright":
                number = f"{granted.year}SR{serial:07d}"
            elif kind == "ic_layout":
                number = f"BS.{filed.year % 100:02d}5{serial % 100_000:05d}"
            else:
                number = f"国药准字H{filed.year}{serial % 10_000:04d}"
            if number not in self.taken_numbers:
                self.taken_numbers.add(number)
                return number

    def ip_title(self, firm: Firm, kind: str) -> str:
        rng = self.rng
        subject = rng.choice(firm.sector.subjects)
        if kind == "software_copyright":
            return f"{firm.brand}{subject}{rng.choice(('管理系统', '平台软件', '分析软件', '控制系统'))}V{rng.randint(1, 5)}.0"
        if kind == "design_patent":
            return f"{subject}（{rng.choice('ABCDEFG')}{rng.randint(1, 9)}型）"
        if kind == "utility_model":
            return f"一种{subject}{rng.choice(('装置', '结构', '检测设备', '固定组件'))}"
        if kind == "ic_layout":
            return f"{subject}版图设计"
        if kind == "national_new_drug":
            return f"{subject}注射液"
        return f"一种{rng.choice(('基于深度学习的', '高灵敏度的', '低功耗的', '可重复使用的', ''))}{subject}{rng.choice(('方法', '及其制备方法', '系统及方法', '的检测方法'))}"

    # -- the records tier criteria read ------------------------------------------------------------

    def make_records(self) -> list:
        rng, records = self.rng, []
        last = self.as_of.year - 1
        for firm in self.firms:
            if not firm.innovative or firm.established.year > last:
                continue
            scale = firm.revenue.get(last, 0.0)
            chances = (0.04 + (0.1 if scale > 1000 else 0), 0.03 + (0.12 if scale > 500 else 0), 0.06, 0.08, 0.07, 0.05)
            makers = (self.award, self.institution, self.standard, self.investment, self.project, self.prize)
            for chance, maker in zip(chances, makers):
                if rng.random() < chance:
                    year = rng.randint(min(firm.established.year + 1, last), last)
                    records.append(maker(firm, year))
                    firm.records_from = min(year, firm.records_from or year)
        return records

    def award(self, firm: Firm, year: int) -> Award:
        level, name = self.rng.choice(AWARD_NAMES)
        return Award(enterprise=firm.enterprise, name=name, level=level, year=year, rank=self.rng.randint(1, 5))

    def institution(self, firm: Firm, year: int) -> RDInstitution:
        level, name = self.rng.choices(INSTITUTION_NAMES, weights=(1, 6, 6, 4))[0]
        subject = self.rng.choice(firm.sector.subjects)
        return RDInstitution(enterprise=firm.enterprise, name=f"{subject}{name}", level=level, recognised=_random_day(self.rng, date(year, 1, 1), date(year, 12, 31)))

    def standard(self, firm: Firm, year: int) -> Standard:
        level = self.rng.choices(StandardLevel.values, weights=(1, 4, 8, 6, 12, 10))[0]
        subject = self.rng.choice(firm.sector.subjects)
        return Standard(enterprise=firm.enterprise, name=f"{subject}技术规范", level=level, year=year, role=self.rng.choice(StandardRole.values))

    def investment(self, firm: Firm, year: int) -> Investment:
        amount = max(50.0, round(self.rng.lognormvariate(math.log(600), 0.9), -1))
        return Investment(
            enterprise=firm.enterprise,
            name=self.rng.choice(("天使轮", "A轮", "A+轮", "B轮", "Pre-A轮")),
            date=_random_day(self.rng, max(firm.established, date(year, 1, 1)), date(year, 12, 31)),
            amount=_money(amount),
            investor=self.rng.choice(INVESTORS),
        )

    def project(self, firm: Firm, year: int) -> Project:
        level, kind = self.rng.choices(PROJECT_NAMES, weights=(1, 4, 3))[0]
        return Project(enterprise=firm.enterprise, name=f"{kind}：{self.rng.choice(firm.sector.subjects)}关键技术研究", level=level, year=year)

    def prize(self, firm: Firm, year: int) -> CompetitionPrize:
        level, name = self.rng.choices(COMPETITIONS, weights=(1, 4, 3))[0]
        return CompetitionPrize(enterprise=firm.enterprise, name=name, level=level, award=self.rng.choice(CompetitionAward.values), year=year)

    # -- certificates ------------------------------------------------------------------------------

    def make_certificates(self) -> list[Certificate]:
        certificates, serials = [], {}

        def issue(firm, kind, issued, expires, number_format):
            if issued > self.as_of or (firm.gone_on and issued >= firm.gone_on):
                return None
            serial = serials[kind, issued.year] = serials.get((kind, issued.year), 0) + 1
            number = number_format.format(year=issued.year, serial=serial, region=firm.enterprise.uscc[2:8])
            certificate = Certificate(enterprise=firm.enterprise, kind=kind, number=number, issued=issued, expires=expires)
            certificates.append(certificate)
            return certificate

        for firm in self.firms:
            self.certify_hnte(firm, issue)
            self.certify_yearly(firm, issue)
        return certificates

    def certify_hnte(self, firm: Firm, issue):
        """国家高新技术企业: three years' validity from the certificate date, re-applied for afterwards."""
        rng, year = self.rng, max(firm.established.year + 1, 2012)
        while year <= self.as_of.year:
            if not firm.near_miss and self.meets_hnte(firm, year) and rng.random() < 0.8:
                issued = date(year, rng.choice((10, 11, 12)), rng.randint(1, 28))
                expires = _add_years(issued, 3) - timedelta(days=1)
                if issue(firm, CertificateKind.HNTE, issued, expires, "GR{year}12{serial:06d}") is None:
                    return
                year += 3 if rng.random() < 0.8 else 4
            else:
                year += 1

    def meets_hnte(self, firm: Firm, year: int) -> bool:
        sales = firm.revenue.get(year - 1)
        if sales is None or firm.enterprise.high_tech_domain_id is None:
            return False
        needed = 0.05 if sales <= 5000 else 0.04 if sales <= 20000 else 0.03
        first, second = firm.valid_ip_on(date(year, 6, 30), self.class_one)
        return firm.rd_ratio >= needed and firm.tech_share >= 0.1 and firm.high_tech_share >= 0.6 and (first or second >= 3)

    def certify_yearly(self, firm: Firm, issue):
        """The tiers evaluated every year: 科技型中小企业, 雏鹰, 瞪羚, 科技领军(培育), 软件企业."""
        rng = self.rng
        for year in range(max(firm.established.year + 1, 2017), self.as_of.year + 1):
            previous = firm.revenue.get(year - 1)
            if previous is None or not firm.active_in(year):
                continue
            first, second = firm.valid_ip_on(date(year, 6, 30), self.class_one)
            if previous <= 20000 and firm.tech_share >= 0.1 and firm.rd_ratio >= 0.02 and rng.random() < 0.7:
                issued = date(year, rng.randint(3, 10), rng.randint(1, 28))
                issue(firm, CertificateKind.TSME, issued, date(year, 12, 31), "{year}{region}A{serial:07d}")
            if year < 2019:
                continue
            young = year - 1 - firm.established.year < 8
            credentials = first or second >= 2 or (firm.records_from is not None and firm.records_from < year)
            if young and previous >= 10 and firm.innovative and credentials and rng.random() < 0.5:
                self.annual(firm, issue, CertificateKind.CHUYING, year, "CY{year}{serial:05d}")
            base = firm.revenue.get(year - 4)
            if base and base >= 1000 and (previous / base) ** (1 / 3) - 1 >= 0.2 and firm.rd_ratio >= 0.025 and rng.random() < 0.7:
                self.annual(firm, issue, CertificateKind.DENGLING, year, "DL{year}{serial:04d}")
            growing = base is not None and previous >= firm.revenue.get(year - 2, previous)
            if previous >= 20000 and firm.rd_ratio >= 0.03 and growing and rng.random() < 0.8:
                leading = previous >= 50000 and (first + second >= 20 or first >= 5)
                if leading:
                    self.annual(firm, issue, CertificateKind.LINGJUN, year, "LJ{year}{serial:04d}")
                elif first + second >= 15 or first >= 3:
                    self.annual(firm, issue, CertificateKind.LINGJUN_PEIYU, year, "LJPY{year}{serial:04d}")
            if firm.enterprise.industry_id.startswith("651") and firm.innovative and rng.random() < 0.6:
                self.annual(firm, issue, CertificateKind.SOFTWARE_ENTERPRISE, year, "津RQ-{year}-{serial:04d}")

    def annual(self, firm: Firm, issue, kind: str, year: int, number_format: str):
        """An entry of a yearly evaluation, published in the second half of the year and valid for one year
        (瞪羚 and 领军 are re-evaluated annually)."""
        issued = date(year, self.rng.randint(7, 12), self.rng.randint(1, 28))
        issue(firm, kind, issued, _add_years(issued, 1) - timedelta(days=1), number_format)

    # -- yearly figures ----------------------------------------------------------------------------

    def make_yearly(self) -> list[YearlyData]:
        rng, rows = self.rng, []
        last = self.as_of.year - 1
        for firm in self.firms:
            for year in self.figure_years:
                if not firm.active_in(year) or (year == last and not firm.near_miss and rng.random() < 0.06):
                    continue  # the newest year is still missing for a few firms: a monitoring alert
                rows.append(self.figures(firm, year))
        return rows

    def figures(self, firm: Firm, year: int) -> YearlyData:
        rng = self.rng
        revenue = firm.revenue[year]
        employees = max(3, round(revenue / (firm.productivity * rng.uniform(0.93, 1.07)) + 4))
        tech_staff = min(employees, round(employees * max(0.0, firm.tech_share + rng.gauss(0, 0.02))))
        rd = revenue * firm.rd_ratio * (1 if firm.near_miss else rng.uniform(0.9, 1.1))
        if firm.rd_cut and year == self.as_of.year - 1:
            rd *= 0.3
        total_income = revenue * rng.uniform(1.0, 1.06)
        total_assets = revenue * rng.uniform(0.6, 2.2)

        def maybe(value, chance=0.02):
            """A figure the firm left blank; blank means unknown, never zero."""
            return None if not firm.near_miss and rng.random() < chance else value

        return YearlyData(
            enterprise=firm.enterprise,
            year=year,
            employees=maybe(employees, 0.01),
            tech_staff=maybe(tech_staff, 0.03),
            revenue=_money(maybe(revenue, 0.01)),
            sales_revenue=_money(maybe(revenue * rng.uniform(0.88, 1.0))),
            total_income=_money(maybe(total_income)),
            cost_total=_money(maybe(max(revenue * rng.uniform(0.72, 1.12), rd * 1.3))),
            rd_expense=_money(rd),
            rd_expense_domestic=_money(rd * (1.0 if rng.random() < 0.7 else rng.uniform(0.7, 1.0))),
            high_tech_revenue=_money(maybe(total_income * min(1.0, max(0.0, firm.high_tech_share + rng.gauss(0, 0.03))))),
            total_assets=_money(maybe(total_assets)),
            net_assets=_money(maybe(total_assets * rng.uniform(0.2, 0.7))),
            source=_weighted(rng, [(DataSource.ENTERPRISE_REPORT, 0.75), (DataSource.STATISTICS_BUREAU, 0.15), (DataSource.TAX, 0.1)]),
            source_date=min(self.as_of, date(year + 1, 5, rng.randint(1, 31))),
        )

    # -- writing -----------------------------------------------------------------------------------

    def save(self, yearly, records, certificates):
        enterprises = Enterprise.objects.bulk_create([f.enterprise for f in self.firms], batch_size=1000)
        self.audit(Enterprise, enterprises)
        rights = IntellectualProperty.objects.bulk_create([r for f in self.firms for r in f.ip], batch_size=1000)
        owners = IntellectualProperty.owners.through
        links = []
        holders = {}
        for firm in self.firms:
            for right in firm.ip:
                holders[right.pk] = [firm.enterprise]
                partner = self.co_owners.get(right.number)
                if partner is not None:
                    holders[right.pk].append(partner.enterprise)
                links += [owners(intellectualproperty_id=right.pk, enterprise_id=e.pk) for e in holders[right.pk]]
        owners.objects.bulk_create(links, batch_size=2000)
        self.audit(IntellectualProperty, rights, extra=lambda r: {"owners": sorted(e.uscc for e in holders[r.pk])})
        for model in (YearlyData, Certificate, Award, RDInstitution, Standard, Investment, Project, CompetitionPrize):
            rows = yearly if model is YearlyData else certificates if model is Certificate else [r for r in records if type(r) is model]
            self.audit(model, model.objects.bulk_create(rows, batch_size=1000))
        self.link_enterprise_user()
        self.stdout.write(
            f"registry: {len(enterprises)} enterprises, {len(yearly)} yearly rows, {len(rights)} IP rights, "
            f"{len(certificates)} certificates, {len(records)} awards/institutions/standards/investments/projects/prizes\n"
        )

    @staticmethod
    def audit(model, rows, extra=None):
        record_bulk(
            model,
            (("create", str(row.pk), str(row), None, {**snapshot(row), **(extra(row) if extra else {})}) for row in rows),
        )

    def link_enterprise_user(self):
        user = self.users.get(Role.ENTERPRISE)
        firm = next((f for f in self.firms if f.near_miss), None)
        if user is None or firm is None:
            return
        firm.enterprise.members.add(user)
        user.organisation = firm.enterprise.name
        user.save(update_fields=["organisation"])


@register("registry", after=("core",))
def populate(context) -> None:
    DistrictBuilder(context).build()
