"""Hand-written profiles for the rule-set tests (money in 万元)."""
import copy

AS_OF = "2022-06-30"  # application year Y = 2022, last year = 2021

FLAGS_CLEAN = {"serious_dishonesty": False, "abnormal_operation": False, "major_incident": False,
               "research_misconduct": False}


def year(y, **kw):
    row = {"year": y, "employees": 100, "tech_staff": 30, "revenue": 3000, "sales_revenue": 3000,
           "total_income": 3000, "cost_total": 2500, "rd_expense": 200, "rd_expense_domestic": 200,
           "high_tech_revenue": 2400, "total_assets": 5000, "net_assets": 2000}
    row.update(kw)
    return row


def ip(kind="invention_patent", granted="2020-03-01", status="valid", acquired_by="self", expires=None, n=1):
    return [{"kind": kind, "number": f"{kind}-{i}", "granted": granted, "expires": expires, "status": status,
             "acquired_by": acquired_by} for i in range(n)]


def profile(**kw):
    p = {"uscc": "91120116MA05JQXX1X", "name": "测试科技有限公司", "established": "2016-04-12",
         "region_code": "120116406", "high_tech_domain": "电子信息", "industry_code": "6513",
         "flags": dict(FLAGS_CLEAN), "years": [year(2019), year(2020), year(2021)],
         "ip": ip(), "certificates": [], "awards": [], "rd_institutions": [], "standards": [],
         "investments": [], "projects": [], "competitions": [], "software_certified": False}
    p.update(copy.deepcopy(kw))
    return p


def with_year(p, y, **kw):
    p = copy.deepcopy(p)
    for row in p["years"]:
        if row["year"] == y:
            row.update(kw)
            return p
    p["years"].append(year(y, **kw))
    return p


def crit(result, cid):
    return next(c for c in result["criteria"] if c["id"] == cid)
