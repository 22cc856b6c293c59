"""The profile vocabulary shared by the loader, both evaluators and the schema."""
from __future__ import annotations

from kechuang.core import reference

MONEY_FIELDS = (
    "revenue", "sales_revenue", "total_income", "cost_total", "rd_expense",
    "rd_expense_domestic", "high_tech_revenue", "total_assets", "net_assets",
)
PEOPLE_FIELDS = ("employees", "tech_staff")
YEAR_FIELDS = PEOPLE_FIELDS + MONEY_FIELDS

FIELD_LABELS = {
    "revenue": "营业收入",
    "sales_revenue": "销售收入",
    "total_income": "总收入",
    "cost_total": "成本费用支出总额",
    "rd_expense": "研发费用",
    "rd_expense_domestic": "境内研发费用",
    "high_tech_revenue": "高新技术产品(服务)收入",
    "total_assets": "资产总额",
    "net_assets": "净资产",
    "employees": "职工总数",
    "tech_staff": "科技人员",
    "region_code": "注册地区划代码",
    "industry_code": "行业代码",
    "high_tech_domain": "高新技术领域",
    "software_certified": "软件产品证书",
    "established": "注册成立日期",
}

# How a criterion's data source (its `source`: a profile field, list or flag) is named on screen.
SOURCE_LABELS = {
    **FIELD_LABELS,
    "ip": "知识产权", "certificates": "资质证书", "awards": "科技奖励", "rd_institutions": "研发机构",
    "standards": "标准制定", "investments": "股权投资", "projects": "科技计划项目", "competitions": "创新创业大赛",
    "serious_dishonesty": "严重违法失信名单", "abnormal_operation": "经营异常名录",
    "major_incident": "重大安全、质量事故或严重环境违法", "research_misconduct": "科研严重失信",
    "expert": "专家评审", "score": "综合得分",
}

SCALAR_FIELDS = ("region_code", "industry_code", "high_tech_domain", "software_certified")
FLAGS = ("serious_dishonesty", "abnormal_operation", "major_incident", "research_misconduct")

# Kinds and classes come from the product's one vocabulary; a test pins them to the core tables.
IP_KINDS_CLASS_1 = tuple(kind.code for kind in reference.IP_KINDS if kind.ip_class == "I")
IP_KINDS_CLASS_2 = tuple(kind.code for kind in reference.IP_KINDS if kind.ip_class == "II")
IP_KINDS = IP_KINDS_CLASS_1 + IP_KINDS_CLASS_2
IP_STATUS = ("valid", "invalid", "pending")
IP_ACQUIRED = ("self", "transfer", "gift", "merger")
CERT_KINDS = tuple(kind.code for kind in reference.CERTIFICATE_KINDS)
LEVELS = ("national", "provincial", "municipal", "district")
STANDARD_LEVELS = ("international", "national", "industry", "local", "group", "enterprise")
STANDARD_ROLES = ("lead", "participant")
COMPETITION_AWARDS = ("excellence", "first", "second", "third")

# list name -> {field: type}; type is one of str, int, date, money
LISTS = {
    "ip": {"kind": "str", "number": "str", "granted": "date", "expires": "date",
           "status": "str", "acquired_by": "str"},
    "certificates": {"kind": "str", "number": "str", "issued": "date", "expires": "date"},
    "awards": {"level": "str", "year": "int", "rank": "int"},
    "rd_institutions": {"level": "str", "name": "str"},
    "standards": {"level": "str", "year": "int", "role": "str"},
    "investments": {"date": "date", "amount": "money", "investor": "str"},
    "projects": {"level": "str", "year": "int"},
    "competitions": {"level": "str", "award": "str", "year": "int"},
}
LIST_ENUMS = {
    ("ip", "kind"): IP_KINDS,
    ("ip", "status"): IP_STATUS,
    ("ip", "acquired_by"): IP_ACQUIRED,
    ("certificates", "kind"): CERT_KINDS,
    ("awards", "level"): LEVELS,
    ("rd_institutions", "level"): LEVELS,
    ("projects", "level"): LEVELS,
    ("standards", "level"): STANDARD_LEVELS,
    ("standards", "role"): STANDARD_ROLES,
    ("competitions", "level"): LEVELS,
    ("competitions", "award"): COMPETITION_AWARDS,
}

def to_cents(value):
    """Money (万元) -> integer hundredths of 万元. Both evaluators use this one conversion, so sums
    are exact and the two paths agree to the bit."""
    if value is None:
        return None
    return int(round(float(value) * 100))
