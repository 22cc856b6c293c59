"""Hypothesis strategies for enterprise profiles that hit the rule sets' edges: boundary money
values, zero and missing figures, establishment dates on the window edges, IP and certificates
that start or stop being valid on the as-of date."""
import datetime as dt

from hypothesis import strategies as st

from kechuang.policy.rules.vocab import CERT_KINDS, COMPETITION_AWARDS, FLAGS, IP_KINDS, STANDARD_LEVELS

AS_OFS = [dt.date(2022, 6, 30), dt.date(2021, 12, 31), dt.date(2024, 2, 29), dt.date(2020, 1, 1)]


def _edge_dates(as_of):
    Y = as_of.year
    return [as_of, as_of - dt.timedelta(days=365), as_of - dt.timedelta(days=364),
            as_of - dt.timedelta(days=366), dt.date(Y - 1, 12, 31), dt.date(Y, 1, 1),
            dt.date(Y - 9, 12, 31), dt.date(Y - 8, 1, 1), dt.date(Y - 3, 6, 1), dt.date(Y - 2, 1, 1),
            dt.date(Y - 5, as_of.month, min(as_of.day, 28)), dt.date(Y - 10, 3, 3), dt.date(Y - 20, 1, 1)]


money = st.one_of(
    st.none(),
    st.sampled_from([0, 0.01, 10, 9.99, 100, 1000, 1000.01, 5000, 5000.01, 20000, 20000.01, 50000, 100000]),
    st.integers(0, 20_000_000).map(lambda c: c / 100),
)
people = st.one_of(st.none(), st.sampled_from([0, 10, 100, 101, 500, 501]), st.integers(0, 900),
                   st.integers(0, 1800).map(lambda h: h / 2))


@st.composite
def year_rows(draw, as_of):
    Y = as_of.year
    years = draw(st.lists(st.integers(Y - 6, Y), unique=True, max_size=6))
    rows = []
    for y in years:
        row = {"year": y}
        for f in ("employees", "tech_staff"):
            v = draw(people)
            if v is not None or draw(st.booleans()):
                row[f] = v
        for f in ("revenue", "sales_revenue", "total_income", "cost_total", "rd_expense",
                  "rd_expense_domestic", "high_tech_revenue", "total_assets", "net_assets"):
            v = draw(money)
            if v is not None or draw(st.booleans()):
                row[f] = v
        rows.append(row)
    return rows


@st.composite
def profiles(draw, as_of):
    dates = _edge_dates(as_of)
    some_date = st.one_of(st.none(), st.sampled_from(dates))
    Y = as_of.year
    p = {"uscc": draw(st.from_regex(r"91120116[0-9A-Z]{10}", fullmatch=True))}
    if draw(st.integers(0, 9)):
        p["established"] = draw(st.sampled_from(dates)).isoformat()
    p["region_code"] = draw(st.one_of(st.none(), st.sampled_from(["120116406", "110108", "810000", "12"])))
    p["industry_code"] = draw(st.one_of(st.none(), st.sampled_from(["6513", "1610", "5111", "7010", "3911", "9011"])))
    p["high_tech_domain"] = draw(st.one_of(st.none(), st.sampled_from(["电子信息", "新材料", "其他"])))
    if draw(st.integers(0, 5)):
        p["flags"] = {f: draw(st.one_of(st.just(False), st.just(False), st.just(True), st.none())) for f in FLAGS}
    p["years"] = draw(year_rows(as_of))
    p["ip"] = [
        {"kind": draw(st.sampled_from(IP_KINDS)), "number": str(i),
         "granted": (d.isoformat() if (d := draw(some_date)) else None),
         "expires": (d.isoformat() if (d := draw(some_date)) else None),
         "status": draw(st.sampled_from(["valid", "valid", "invalid", "pending"])),
         "acquired_by": draw(st.sampled_from(["self", "transfer", "gift", "merger"]))}
        for i in range(draw(st.integers(0, 25)))]
    p["certificates"] = [
        {"kind": draw(st.sampled_from(CERT_KINDS)), "number": str(i),
         "issued": (d.isoformat() if (d := draw(some_date)) else None),
         "expires": (d.isoformat() if (d := draw(some_date)) else None)}
        for i in range(draw(st.integers(0, 3)))]
    year = st.one_of(st.none(), st.integers(Y - 7, Y + 1))
    p["awards"] = [{"level": draw(st.sampled_from(["national", "provincial"])), "year": draw(year),
                    "rank": draw(st.one_of(st.none(), st.integers(1, 6)))} for _ in range(draw(st.integers(0, 2)))]
    p["rd_institutions"] = [{"level": draw(st.sampled_from(["national", "provincial"])), "name": "x"}
                            for _ in range(draw(st.integers(0, 1)))]
    p["standards"] = [{"level": draw(st.sampled_from(STANDARD_LEVELS)), "year": draw(year),
                       "role": draw(st.sampled_from(["lead", "participant"]))} for _ in range(draw(st.integers(0, 2)))]
    p["investments"] = [{"date": (d.isoformat() if (d := draw(some_date)) else None),
                         "amount": draw(st.sampled_from([99.99, 100, 150, 20])), "investor": "v"}
                        for _ in range(draw(st.integers(0, 2)))]
    p["projects"] = [{"level": draw(st.sampled_from(["national", "provincial"])), "year": draw(year)}
                     for _ in range(draw(st.integers(0, 1)))]
    p["competitions"] = [{"level": draw(st.sampled_from(["national", "provincial"])),
                          "award": draw(st.sampled_from(COMPETITION_AWARDS)), "year": draw(year)}
                         for _ in range(draw(st.integers(0, 2)))]
    p["software_certified"] = draw(st.one_of(st.none(), st.booleans()))
    for key in ("ip", "certificates", "awards", "standards", "investments", "projects", "competitions",
                "rd_institutions"):
        if not p[key] and draw(st.booleans()):
            del p[key]
    return p
