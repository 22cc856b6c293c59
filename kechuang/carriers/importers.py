"""Importing carriers and their tenants, all or nothing, Chinese headers.

载体 (kind `carriers`): 载体编码, 载体名称, 载体类型, 级别, 认定日期, 认定文件, 运营主体统一社会信用代码, 所属组团
(北部/中部/南部), 专业领域, 专业类载体 (是/否), 场地面积(平方米), 地址, 行政区划代码. The operator must already be in
the registry.

在孵企业 (kind `tenants`): 载体编码, 统一社会信用代码, 入驻日期, 离开日期, 使用面积(平方米), 状态 (在孵 / 迁出 / 注销).
A stay is keyed by carrier, enterprise and entry date. 毕业 is not imported: a graduation is recorded on the
tenant's page against the graduation criteria (or with an officer's reason). A stay that ends before it
starts, or overlaps another stay of the same enterprise at the same carrier (in the file or stored),
refuses the whole file."""
from collections import defaultdict

from kechuang.carriers.choices import CarrierKind, CarrierLevel, Cluster, TenantStatus
from kechuang.carriers.models import Carrier, Tenant
from kechuang.carriers.services import overlaps
from kechuang.core.imports import CellError, Field, ModelImporter, Row, choice, choices_labels, date, money, text
from kechuang.core.models import Region
from kechuang.registry.importers import USCC, EnterpriseImporter, enterprise_ids, parse_uscc

CLUSTERS = {"北部": Cluster.NORTH, "中部": Cluster.CENTRAL, "南部": Cluster.SOUTH}
YES_NO = {"是": True, "否": False}


def parse_code(value) -> str:
    code = text(max_length=40)(value).strip()
    if not code or not all(ch.isalnum() or ch in "-_" for ch in code) or not code.isascii():
        raise CellError(f"载体编码「{code}」只能由字母、数字、- 和 _ 组成")
    return code


def _carrier_ids(importer, rows, header="载体编码"):
    known = dict(Carrier.objects.filter(code__in={r.values["carrier_code"] for r in rows}).values_list("code", "pk"))
    for row in rows:
        code = row.values["carrier_code"]
        if code not in known:
            row.error(header, f"没有编码为 {code} 的载体，请先导入载体")
        else:
            row.values["carrier_id"] = known[code]


class CarrierImporter(ModelImporter):
    title = "创新载体"
    model = Carrier
    key = ("code",)
    fields = [
        Field("载体编码", "code", parse_code, required=True),
        Field("载体名称", "name", text(max_length=200), required=True, synonyms=("名称",)),
        Field("载体类型", "kind", choices_labels(CarrierKind), required=True, synonyms=("类型",)),
        Field("级别", "level", choices_labels(CarrierLevel), required=True, synonyms=("载体级别",)),
        Field("认定日期", "recognised_on", date()),
        Field("认定文件", "recognition_document", text(max_length=120), synonyms=("认定文号",)),
        Field("运营主体统一社会信用代码", "operator_uscc", parse_uscc, required=True, synonyms=("运营主体信用代码",)),
        Field("所属组团", "cluster", choice(CLUSTERS, {"北": Cluster.NORTH, "中": Cluster.CENTRAL, "南": Cluster.SOUTH}),
              required=True, synonyms=("组团",)),
        Field("专业领域", "field", text(max_length=100), synonyms=("领域",)),
        Field("专业类载体", "specialised", choice(YES_NO), help="是 / 否：239号 分类评价的 专业 与 综合"),
        Field("场地面积(平方米)", "floor_area", money(limit=10**10), required=True, synonyms=("场地面积",)),
        Field("地址", "address", text(max_length=300)),
        Field("行政区划代码", "region_id", "parse_region", required=True, synonyms=("区划代码",)),
    ]
    parse_region = EnterpriseImporter.parse_region

    def prepare(self):
        self.regions = set(Region.objects.values_list("code", flat=True))

    def check_rows(self, rows):
        known = enterprise_ids(row.values["operator_uscc"] for row in rows)
        for row in rows:
            code = row.values["operator_uscc"]
            if code not in known:
                row.error("运营主体统一社会信用代码", f"企业库中没有统一社会信用代码为 {code} 的企业，请先导入企业")
            else:
                row.values["operator_id"] = known[code]

    def instance_values(self, row: Row):
        values = super().instance_values(row)
        if "specialised" in values and values["specialised"] is None:
            values["specialised"] = False  # an empty 专业类载体 cell: a 综合 carrier
        return values


STATUSES = {"在孵": TenantStatus.INCUBATING, "迁出": TenantStatus.MOVED_OUT, "注销": TenantStatus.CANCELLED}


def parse_status(value):
    label = str(value).strip()
    if label == "毕业":
        raise CellError("毕业不能导入：请在在孵企业页面按毕业条件办理毕业")
    if label not in STATUSES:
        raise CellError(f"状态「{label}」不在可选范围内：在孵、迁出、注销")
    return STATUSES[label]


parse_status.labels = tuple(STATUSES)


class TenantImporter(ModelImporter):
    title = "在孵企业"
    model = Tenant
    key = ("carrier_code", "uscc", "entered")
    model_key = ("carrier_id", "enterprise_id", "entered")
    fields = [
        Field("载体编码", "carrier_code", parse_code, required=True),
        USCC,
        Field("入驻日期", "entered", date(), required=True),
        Field("离开日期", "exited", date(), synonyms=("退出日期",)),
        Field("使用面积(平方米)", "space", money(limit=10**10), synonyms=("使用面积",)),
        Field("状态", "status", parse_status, required=True, help="在孵、迁出或注销；毕业在页面办理"),
    ]

    def clean_row(self, row: Row):
        entered, exited, status = row.values.get("entered"), row.values.get("exited"), row.values.get("status")
        if entered and exited and exited < entered:
            row.error("离开日期", f"离开日期 {exited} 早于入驻日期 {entered}")
        if status in (TenantStatus.MOVED_OUT, TenantStatus.CANCELLED) and not exited:
            row.error("离开日期", "迁出或注销的企业须填写离开日期")
        if status == TenantStatus.INCUBATING and exited:
            row.error("状态", "已填写离开日期的企业状态不能为在孵")

    def check_rows(self, rows):
        _carrier_ids(self, rows)
        known = enterprise_ids(row.values["uscc"] for row in rows)
        for row in rows:
            if row.values["uscc"] not in known:
                row.error("统一社会信用代码", f"企业库中没有统一社会信用代码为 {row.values['uscc']} 的企业，请先导入企业")
            else:
                row.values["enterprise_id"] = known[row.values["uscc"]]
        ready = [r for r in rows if "carrier_id" in r.values and "enterprise_id" in r.values]
        self._check_overlaps(ready)

    def _check_overlaps(self, rows):
        """A stay in the file against every other stay of the pair, stored or in the file; a stored stay
        with the same entry date is the row being updated."""
        pairs = {(r.values["carrier_id"], r.values["enterprise_id"]) for r in rows}
        stays = defaultdict(list)
        stored = Tenant.objects.filter(carrier_id__in={c for c, _ in pairs}, enterprise_id__in={e for _, e in pairs})
        in_file = {(r.values["carrier_id"], r.values["enterprise_id"], r.values["entered"]) for r in rows}
        for carrier_id, enterprise_id, entered, exited in stored.values_list("carrier_id", "enterprise_id", "entered", "exited"):
            if (carrier_id, enterprise_id) in pairs and (carrier_id, enterprise_id, entered) not in in_file:
                stays[(carrier_id, enterprise_id)].append((entered, exited, "已有记录"))
        for row in rows:
            stays[(row.values["carrier_id"], row.values["enterprise_id"])].append(
                (row.values["entered"], row.values.get("exited"), f"第 {row.number} 行"))
        for row in rows:
            entered, exited = row.values["entered"], row.values.get("exited")
            for other_entered, other_exited, where in stays[(row.values["carrier_id"], row.values["enterprise_id"])]:
                if where == f"第 {row.number} 行":
                    continue
                if overlaps(entered, exited, other_entered, other_exited):
                    row.error("入驻日期", f"与{where}的入驻期（{other_entered} 至 {other_exited or '今'}）重叠：同一企业在同一载体的入驻期不能重叠")
                    break


IMPORTERS = {"carriers": CarrierImporter, "tenants": TenantImporter}
