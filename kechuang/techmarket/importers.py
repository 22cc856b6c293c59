"""Importing registered technology contracts (技术合同登记台账), all or nothing.

Headers (a file contract with the registration office): 登记号, 合同名称, 合同类型, 卖方统一社会信用代码,
买方名称, 买方地区代码, 合同成交额(万元), 技术交易额(万元), 签订日期, 登记日期, 登记状态.
合同类型 is 技术开发/技术转让/技术许可/技术咨询/技术服务, optionally with the sub-type in brackets, half- or
full-width: 技术开发(委托), 技术开发（合作）, 技术服务(技术培训), 技术服务(技术中介). 登记状态 is that of a finished
case: 已登记 or 未予登记. 买方地区代码 is a 统计用区划代码, or 境外 for a buyer abroad. The seller must already
be in the enterprise registry. A 登记号 already stored updates that contract (a correction), with its
before/after kept in the contract's history.
"""
import re

from kechuang.core.audit import snapshot
from kechuang.core.imports import LOOKUP_CHUNK, CellError, Field, ModelImporter, choice, date, label_key, money, text
from kechuang.core.models import Region
from kechuang.registry.importers import EnterpriseImporter, enterprise_ids, parse_uscc
from kechuang.techmarket.choices import SUBTYPES_OF, ContractChangeKind, ContractStatus, ContractSubtype, ContractType
from kechuang.techmarket.models import ContractChange, TechContract

ABROAD = "境外"
ABROAD_SPELLINGS = {label_key(word) for word in (ABROAD, "国外", "海外", "境外(国外)")}
SUBTYPE_SPELLINGS = {
    "委托": ContractSubtype.ENTRUSTED, "委托开发": ContractSubtype.ENTRUSTED,
    "合作": ContractSubtype.COOPERATIVE, "合作开发": ContractSubtype.COOPERATIVE,
    "技术培训": ContractSubtype.TRAINING, "培训": ContractSubtype.TRAINING,
    "技术中介": ContractSubtype.INTERMEDIARY, "中介": ContractSubtype.INTERMEDIARY,
}
TYPE_BY_LABEL = {label: value for value, label in ContractType.choices}
TYPE_PATTERN = re.compile(r"^(?P<type>[^()]+?)(?:\((?P<subtype>[^()]+)\))?$")


def parse_contract_type(value) -> tuple[str, str]:
    """技术开发(委托) → ("development", "entrusted"); 技术转让 → ("transfer", "")."""
    raw = str(value).strip()
    match = TYPE_PATTERN.match(label_key(raw))
    contract_type = TYPE_BY_LABEL.get(match.group("type")) if match else None
    if contract_type is None:
        raise CellError(f"「{raw}」不是合同类型，应为：{'、'.join(TYPE_BY_LABEL)}（可在括号中写子类，如 技术开发(委托)）")
    written = match.group("subtype")
    if not written:
        return contract_type, ""
    subtype = SUBTYPE_SPELLINGS.get(written)
    allowed = SUBTYPES_OF.get(contract_type, ())
    if subtype not in allowed:
        shown = "、".join(ContractSubtype(s).label for s in allowed) or "无子类"
        raise CellError(f"「{raw}」的子类「{written}」不适用于{ContractType(contract_type).label}，可选：{shown}")
    return contract_type, subtype


def _contracts(numbers):
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        yield from TechContract.objects.filter(registration_number__in=numbers[start : start + LOOKUP_CHUNK]).order_by("pk")


class ContractImporter(ModelImporter):
    title = "技术合同登记"
    model = TechContract
    key = ("registration_number",)
    fields = [
        Field("登记号", "registration_number", text(max_length=30), required=True, synonyms=("合同登记号", "登记编号")),
        Field("合同名称", "name", text(max_length=300), required=True, synonyms=("项目名称",)),
        Field("合同类型", "type_and_subtype", parse_contract_type, required=True, help="技术开发(委托)、技术开发(合作)、技术转让、技术许可、技术咨询、技术服务、技术服务(技术培训)、技术服务(技术中介)"),
        Field("卖方统一社会信用代码", "seller_uscc", parse_uscc, required=True, synonyms=("卖方信用代码",)),
        Field("买方名称", "buyer_name", text(max_length=200), required=True),
        Field("买方地区代码", "buyer", "parse_buyer_region", required=True, help=f"统计用区划代码，买方在境外时填 {ABROAD}"),
        Field("合同成交额(万元)", "amount", money(), required=True, synonyms=("成交额(万元)", "合同金额(万元)")),
        Field("技术交易额(万元)", "tech_amount", money(), required=True),
        Field("签订日期", "signed_on", date(), required=True),
        Field("登记日期", "registered_on", date(), help="已登记的合同必填"),
        Field(
            "登记状态", "status",
            choice({"已登记": ContractStatus.REGISTERED, "未予登记": ContractStatus.REFUSED}, {"登记": ContractStatus.REGISTERED}),
            required=True,
        ),
    ]

    def prepare(self):
        self.regions = set(Region.objects.values_list("code", flat=True))

    def parse_buyer_region(self, value):
        if label_key(str(value).strip()) in ABROAD_SPELLINGS:
            return None
        # The registry's region parser, with its checks and messages; it reads self.regions as loaded above.
        return EnterpriseImporter.parse_region(self, value)

    def clean_row(self, row):
        values = row.values
        if values["tech_amount"] > values["amount"]:
            row.error(
                "技术交易额(万元)",
                f"技术交易额 {values['tech_amount']} 万元大于合同成交额 {values['amount']} 万元，技术交易额不能超过合同成交额",
            )
        registered_on = values.get("registered_on")
        if values["status"] == ContractStatus.REGISTERED and registered_on is None:
            row.error("登记日期", "登记状态为已登记时必须填写登记日期")
        if registered_on is not None and registered_on < values["signed_on"]:
            row.error("登记日期", f"登记日期 {registered_on} 早于签订日期 {values['signed_on']}")

    def check_rows(self, rows):
        known = enterprise_ids(row.values["seller_uscc"] for row in rows)
        for row in rows:
            code = row.values["seller_uscc"]
            if code not in known:
                row.error("卖方统一社会信用代码", f"企业库中没有统一社会信用代码为 {code} 的企业，请先导入企业")
            else:
                row.values["seller_id"] = known[code]

    def instance_values(self, row):
        values = row.values
        contract_type, subtype = values["type_and_subtype"]
        return {
            "registration_number": values["registration_number"],
            "name": values["name"],
            "contract_type": contract_type,
            "subtype": subtype,
            "seller_id": values["seller_id"],
            "buyer_name": values["buyer_name"],
            "buyer_region_id": values["buyer"],
            "buyer_abroad": values["buyer"] is None,
            "amount": values["amount"],
            "tech_amount": values["tech_amount"],
            "signed_on": values["signed_on"],
            "registered_on": values.get("registered_on"),
            "status": values["status"],
        }

    def write(self, rows):
        """Write, then add one 导入 step to the history of every contract the file created or changed."""
        numbers = [row.values["registration_number"] for row in rows]
        before = {c.registration_number: snapshot(c) for c in _contracts(numbers)}
        counts = super().write(rows)
        steps = []
        for contract in _contracts(numbers):
            after = snapshot(contract)
            previous = before.get(contract.registration_number)
            if previous != after:
                steps.append(ContractChange(contract=contract, kind=ContractChangeKind.IMPORT, before=previous or {}, after=after))
        ContractChange.objects.bulk_create(steps, batch_size=self.batch_size)
        return counts


IMPORTERS = {"contracts": ContractImporter}
