"""Spreadsheet imports into the registry: enterprises, yearly data, IP and certificates.

The headers and cell labels are a file contract with the bureau's users (issue 2, point 5); synonyms
accept the spellings that official systems and everyday use produce (e.g. 国高企, 存续（在营、开业、在册）).
"""
import re

from django.core.exceptions import ValidationError

from kechuang.core import clock
from kechuang.core.audit import record_bulk
from kechuang.core.choices import AuditAction
from kechuang.core.imports import (
    CellError,
    Field,
    ModelImporter,
    Row,
    choice,
    choices_labels,
    date,
    integer,
    label_key,
    money,
    text,
)
from kechuang.core.models import HighTechDomain, Industry, Region
from kechuang.core.reference import CERTIFICATE_KINDS, IP_KINDS, labels_and_aliases
from kechuang.registry.choices import AcquiredBy, CertificateKind, DataSource, IPStatus, RegistrationStatus
from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty, YearlyData
from kechuang.registry.validators import normalise_patent_number, normalise_software_copyright, uscc_problem
from kechuang.registry.services import yearly_problems

LOOKUP_CHUNK = 900


def parse_uscc(value) -> str:
    code = re.sub(r"\s+", "", str(value)).upper()
    problem = uscc_problem(code)
    if problem:
        raise CellError(f"{problem}（{code}）")
    return code


def parse_owner_usccs(value) -> tuple[str, ...]:
    """Several owners in one cell, separated by ；, ;, 、 or ，."""
    codes = [part for part in re.split(r"[；;、，,\s]+", str(value)) if part]
    return tuple(dict.fromkeys(parse_uscc(code) for code in codes))


def trim_region_code(code: str) -> str:
    """A 12-digit 统计用区划代码 to the registry's deepest level (township, 9 digits), then trailing
    zero groups away: 120116406000 → 120116406, 120116000000 → 120116, 120100000000 → 1201."""
    code = code[:9] if len(code) == 12 else code
    for length, keep in ((9, 6), (6, 4), (4, 2)):
        if len(code) == length and set(code[keep:]) == {"0"}:
            code = code[:keep]
    return code


def enterprise_ids(usccs) -> dict[str, int]:
    """{uscc: enterprise id} for the codes that exist in the registry."""
    usccs = sorted(set(usccs))
    found = {}
    for start in range(0, len(usccs), LOOKUP_CHUNK):
        chunk = usccs[start : start + LOOKUP_CHUNK]
        found.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
    return found


def _require_enterprises(importer, rows: list[Row], attr: str = "uscc") -> None:
    """Every row's enterprise must already be in the registry; stores values['enterprise_id']."""
    known = enterprise_ids(row.values[attr] for row in rows if row.values.get(attr))
    for row in rows:
        code = row.values.get(attr)
        if code is None:
            continue
        if code not in known:
            row.error(importer.header_of(attr), f"企业库中没有统一社会信用代码为 {code} 的企业，请先导入企业")
        else:
            row.values["enterprise_id"] = known[code]


DOMAIN_LABELS = "电子信息、生物与新医药、航空航天、新材料、高技术服务、新能源与节能、资源与环境、先进制造与自动化"
USCC = Field("统一社会信用代码", "uscc", parse_uscc, required=True, synonyms=("社会信用代码", "信用代码"))


class EnterpriseImporter(ModelImporter):
    title = "企业登记信息"
    model = Enterprise
    key = ("uscc",)
    fields = [
        USCC,
        Field("企业名称", "name", text(max_length=200), required=True, synonyms=("名称", "单位名称")),
        Field("成立日期", "established", date(), help="YYYY-MM-DD 或 Excel 日期"),
        Field(
            "行政区划代码",
            "region_id",
            "parse_region",
            required=True,
            synonyms=("区划代码", "统计用区划代码"),
            help="统计用区划代码，2/4/6/9 位，或 12 位（末尾的 0 组自动去掉）",
        ),
        Field("行业代码", "industry_id", "parse_industry", synonyms=("国民经济行业代码",), help="GB/T 4754-2017 小类，4 位数字"),
        Field(
            "技术领域",
            "high_tech_domain_id",
            "parse_domain",
            synonyms=("高新技术领域",),
            help=DOMAIN_LABELS,
        ),
        Field("注册资本(万元)", "registered_capital", money(), synonyms=("注册资本",)),
        Field("注册地址", "address", text(max_length=300), synonyms=("地址", "住所")),
        Field(
            "登记状态",
            "status",
            choices_labels(
                RegistrationStatus,
                {
                    "在营": RegistrationStatus.SUBSISTING,
                    "开业": RegistrationStatus.OPERATING,
                    "在册": RegistrationStatus.SUBSISTING,
                    "存续(在营、开业、在册)": RegistrationStatus.SUBSISTING,
                    "已迁出": RegistrationStatus.MOVED_OUT,
                    "已注销": RegistrationStatus.CANCELLED,
                    "已吊销": RegistrationStatus.REVOKED,
                    "吊销,未注销": RegistrationStatus.REVOKED,
                    "吊销，未注销": RegistrationStatus.REVOKED,
                },
            ),
            synonyms=("经营状态", "企业状态"),
        ),
    ]

    def prepare(self):
        self.regions = set(Region.objects.values_list("code", flat=True))
        self.industries = set(Industry.objects.filter(level="class").values_list("code", flat=True))
        domains = HighTechDomain.objects.filter(level="domain").values_list("code", "name")
        self.domains = {}
        for code, name in domains:
            for spelling in (name, f"{name}技术", f"{name}领域", code):
                self.domains[label_key(spelling)] = code

    def parse_region(self, value) -> str:
        code = re.sub(r"\s+", "", str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
        if not re.fullmatch(r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}", code):
            raise CellError(f"行政区划代码「{code}」格式不正确，应为 2、4、6、9 或 12 位数字")
        trimmed = trim_region_code(code)
        if trimmed not in self.regions:
            raise CellError(f"行政区划代码 {code} 不在统计用区划代码表中")
        return trimmed

    def parse_industry(self, value) -> str:
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        code = str(int(value)).zfill(4) if whole else re.sub(r"\s+", "", str(value)).upper()
        # Codes are often written with their section letter in front (C3911).
        code = code[1:] if re.fullmatch(r"[A-T]\d{4}", code) else code
        if not re.fullmatch(r"\d{4}", code):
            raise CellError(f"行业代码「{code}」应为 GB/T 4754-2017 小类的 4 位数字代码")
        if code not in self.industries:
            raise CellError(f"行业代码 {code} 不是 GB/T 4754-2017 中的小类")
        return code

    def parse_domain(self, value) -> str:
        key = label_key(str(value))
        if key not in self.domains:
            raise CellError(f"「{value}」不是高新技术领域，应为：{DOMAIN_LABELS}")
        return self.domains[key]


class YearlyImporter(ModelImporter):
    title = "企业年度数据"
    model = YearlyData
    key = ("uscc", "year")
    model_key = ("enterprise_id", "year")
    fields = [
        USCC,
        Field("年度", "year", integer(minimum=1978, maximum=2100), required=True, synonyms=("年份",)),
        Field("职工总数", "employees", integer(minimum=0), synonyms=("从业人员数", "职工人数")),
        Field("科技人员数", "tech_staff", integer(minimum=0), synonyms=("科技人员",)),
        Field("营业收入(万元)", "revenue", money(), synonyms=("营业收入",)),
        Field("销售收入(万元)", "sales_revenue", money(), synonyms=("销售收入",)),
        Field("总收入(万元)", "total_income", money(), synonyms=("总收入",)),
        Field("成本费用总额(万元)", "cost_total", money(), synonyms=("成本费用总额",)),
        Field("研发费用(万元)", "rd_expense", money(), synonyms=("研发费用", "研究开发费用(万元)")),
        Field("境内研发费用(万元)", "rd_expense_domestic", money(), synonyms=("境内研发费用",)),
        Field("高新技术产品收入(万元)", "high_tech_revenue", money(), synonyms=("高新技术产品(服务)收入(万元)",)),
        Field("资产总额(万元)", "total_assets", money(), synonyms=("资产总额",)),
        # An insolvent firm's net assets are negative, and the figure must be kept as reported.
        Field("净资产(万元)", "net_assets", money(allow_negative=True), synonyms=("净资产",)),
    ]

    def clean_row(self, row: Row):
        # One definition of consistent yearly figures for the import, the form and the API.
        for field, reason in yearly_problems(row.values).items():
            row.error(self.header_of(field), reason)

    def check_rows(self, rows):
        _require_enterprises(self, rows)

    def provenance(self):
        return {"source": DataSource.IMPORT_FILE, "source_date": clock.today()}


IP_KIND_LABELS = {kind.label: kind.code for kind in IP_KINDS}
# The number's type digit (5th of 12, 3rd of 8) tells the patent kind: 1/8 invention, 2/9 utility
# model, 3 design (8 and 9 are PCT applications entering China).
PATENT_TYPE_DIGITS = {"invention_patent": "18", "utility_model": "29", "design_patent": "3"}


class IPImporter(ModelImporter):
    title = "知识产权"
    model = IntellectualProperty
    key = ("number",)
    fields = [
        Field("知识产权编号", "number", text(max_length=30, upper=True), required=True, synonyms=("申请号", "专利号", "登记号")),
        Field(
            "类型",
            "kind_id",
            choice(IP_KIND_LABELS, labels_and_aliases(IP_KINDS)),
            required=True,
            synonyms=("知识产权类型",),
        ),
        Field("名称", "title", text(max_length=300), required=True, synonyms=("知识产权名称", "专利名称")),
        Field("权利人统一社会信用代码", "owners", parse_owner_usccs, required=True, synonyms=("权利人",), help="多个权利人用 ；或 、分隔"),
        Field("申请日", "filed", date()),
        Field("授权日", "granted", date(), synonyms=("授权公告日", "登记日")),
        Field(
            "法律状态",
            "status",
            choices_labels(
                IPStatus,
                {"有权": IPStatus.VALID, "授权": IPStatus.VALID, "无权": IPStatus.INVALID, "在审": IPStatus.PENDING, "审查中": IPStatus.PENDING},
            ),
        ),
        Field("失效日", "expires", date()),
        Field(
            "获得方式",
            "acquired_by",
            choices_labels(AcquiredBy, {"原始取得": AcquiredBy.SELF, "自行研发": AcquiredBy.SELF, "转让": AcquiredBy.TRANSFER, "受让取得": AcquiredBy.TRANSFER}),
        ),
    ]

    def clean_row(self, row: Row):
        values = row.values
        values["number"] = self._number(row, values["kind_id"], values["number"])
        if values.get("filed") and values.get("granted") and values["granted"] < values["filed"]:
            row.error("授权日", f"授权日 {values['granted']} 早于申请日 {values['filed']}")
        start = values.get("granted") or values.get("filed")
        if start and values.get("expires") and values["expires"] < start:
            row.error("失效日", f"失效日 {values['expires']} 早于{'授权日' if values.get('granted') else '申请日'} {start}")

    def _number(self, row: Row, kind: str, number: str):
        try:
            if kind in PATENT_TYPE_DIGITS:
                number = normalise_patent_number(number)
                digits = number.split(".")[0]
                type_digit = digits[4] if len(digits) == 12 else digits[2]
                if type_digit not in PATENT_TYPE_DIGITS[kind]:
                    row.error("知识产权编号", f"申请号 {number} 的类型位为 {type_digit}，与类型「{self._label(kind)}」不符")
            elif kind == "software_copyright":
                number = normalise_software_copyright(number)
        except ValidationError as exc:
            row.error("知识产权编号", "；".join(exc.messages))
        return number

    @staticmethod
    def _label(kind: str) -> str:
        return next(label for label, code in IP_KIND_LABELS.items() if code == kind)

    def check_rows(self, rows):
        known = enterprise_ids(code for row in rows for code in row.values["owners"])
        for row in rows:
            missing = [code for code in row.values["owners"] if code not in known]
            if missing:
                row.error("权利人统一社会信用代码", f"企业库中没有统一社会信用代码为 {'、'.join(missing)} 的企业，请先导入企业")
            row.values["owner_ids"] = {known[code] for code in row.values["owners"] if code in known}

    def _owner_changes(self, pairs):
        """[(row, ip, owners stored, owners in the file)] for the IPs whose owners the file changes."""
        through = IntellectualProperty.owners.through
        ip_ids = [obj.pk for _row, obj in pairs if obj.pk is not None]
        stored: dict[int, set[int]] = {}
        for start in range(0, len(ip_ids), LOOKUP_CHUNK):
            links = through.objects.filter(intellectualproperty_id__in=ip_ids[start : start + LOOKUP_CHUNK])
            for ip_id, enterprise_id in links.values_list("intellectualproperty_id", "enterprise_id"):
                stored.setdefault(ip_id, set()).add(enterprise_id)
        return [
            (row, obj, stored.get(obj.pk, set()), row.values["owner_ids"])
            for row, obj in pairs
            if row.values["owner_ids"] != stored.get(obj.pk, set())
        ]

    def related_changes(self, pairs):
        return {obj.pk for _row, obj, _have, _wanted in self._owner_changes(pairs)}

    def after_write(self, pairs, created):
        """Make each IP's owners exactly the file's; audit owner changes of IPs that already existed."""
        through = IntellectualProperty.owners.through
        changes = self._owner_changes(pairs)
        through.objects.bulk_create(
            [through(intellectualproperty_id=obj.pk, enterprise_id=e) for _r, obj, have, wanted in changes for e in wanted - have],
            batch_size=self.batch_size,
        )
        for _row, obj, have, wanted in changes:
            if have - wanted:
                through.objects.filter(intellectualproperty_id=obj.pk, enterprise_id__in=have - wanted).delete()
        record_bulk(
            IntellectualProperty,
            [
                (AuditAction.UPDATE, str(obj.pk), str(obj), {"owners": sorted(have)}, {"owners": sorted(wanted)})
                for _row, obj, have, wanted in changes
                if obj.pk not in created
            ],
        )
        return {obj.pk for _row, obj, _have, _wanted in changes}


class CertificateImporter(ModelImporter):
    title = "资质证书"
    model = Certificate
    key = ("kind", "number")
    fields = [
        USCC,
        Field("资质类型", "kind", choices_labels(CertificateKind, labels_and_aliases(CERTIFICATE_KINDS)), required=True, synonyms=("证书类型",)),
        Field("证书编号", "number", text(max_length=60, upper=True), required=True, synonyms=("入库编号", "编号")),
        Field("发证日期", "issued", date(), required=True, synonyms=("认定日期", "发证日")),
        Field("有效期至", "expires", date(), synonyms=("到期日期", "有效期")),
    ]

    def clean_row(self, row: Row):
        issued, expires = row.values.get("issued"), row.values.get("expires")
        if issued and expires and expires < issued:
            row.error("有效期至", f"有效期至 {expires} 早于发证日期 {issued}")

    def check_rows(self, rows):
        _require_enterprises(self, rows)


IMPORTERS = {
    "enterprises": EnterpriseImporter,
    "yearly": YearlyImporter,
    "ip": IPImporter,
    "certificates": CertificateImporter,
}
