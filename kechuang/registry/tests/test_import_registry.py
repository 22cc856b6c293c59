"""Registry imports: every bad input of issue 2 gets its own Chinese message, and nothing is written."""
import datetime as dt
import decimal
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from conftest import valid_uscc
from kechuang.core.imports import FileRejected, ImportFailed, importer_for, importers, read_table
from kechuang.core.models import AuditEntry
from kechuang.core.tests.test_imports import xlsx
from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty, YearlyData

ENTERPRISE_HEADERS = "统一社会信用代码,企业名称,成立日期,行政区划代码,行业代码,技术领域,注册资本(万元),注册地址,登记状态"
YEARLY_HEADERS = (
    "统一社会信用代码,年度,职工总数,科技人员数,营业收入(万元),销售收入(万元),总收入(万元),成本费用总额(万元),"
    "研发费用(万元),境内研发费用(万元),高新技术产品收入(万元),资产总额(万元),净资产(万元)"
)
IP_HEADERS = "知识产权编号,类型,名称,权利人统一社会信用代码,申请日,授权日,法律状态,失效日,获得方式"
CERTIFICATE_HEADERS = "统一社会信用代码,资质类型,证书编号,发证日期,有效期至"
A, B = valid_uscc(900001), valid_uscc(900002)


def csv(headers: str, *lines: str, encoding="utf-8") -> bytes:
    return "\n".join([headers, *lines, ""]).encode(encoding)


def enterprise_line(uscc=A, name="生态城智能科技有限公司", established="2018-05-20", region="120116406", industry="6513",
                    domain="电子信息", capital="500", address="天津市滨海新区中新生态城", status="存续"):
    return ",".join([uscc, name, established, region, industry, domain, capital, address, status])


def run(kind: str, data: bytes):
    return importer_for(kind)().run(read_table(data, "upload"))


def rejected(kind: str, data: bytes) -> list[str]:
    """The problems of a rejected import, after proving that nothing at all was written."""
    before = (Enterprise.objects.count(), YearlyData.objects.count(), IntellectualProperty.objects.count(),
              Certificate.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ImportFailed) as failed:
        run(kind, data)
    after = (Enterprise.objects.count(), YearlyData.objects.count(), IntellectualProperty.objects.count(),
             Certificate.objects.count(), AuditEntry.objects.count())
    assert after == before
    return [str(problem) for problem in failed.value.check.problems]


@pytest.fixture
def two_enterprises(db):
    run("enterprises", csv(ENTERPRISE_HEADERS, enterprise_line(), enterprise_line(uscc=B, name="生态城生物医药有限公司", domain="生物与新医药")))
    return Enterprise.objects.get(uscc=A), Enterprise.objects.get(uscc=B)


def yearly_line(uscc=A, year="2023", employees="120", tech="40", rd="300", rd_domestic="280"):
    return ",".join([uscc, year, employees, tech, "5000", "4800", "5200", "4100", rd, rd_domestic, "3500", "9000", "4000"])


# --- the "Bad input" list of issue 2, one test each -------------------------------------------------


@pytest.mark.django_db
def test_invalid_uscc():
    bad = A[:-1] + ("0" if A[-1] != "0" else "1")
    assert rejected("enterprises", csv(ENTERPRISE_HEADERS, enterprise_line(uscc=bad))) == [
        f"第 2 行 [统一社会信用代码] 统一社会信用代码校验位错误，应为 {A[-1]}（{bad}）"
    ]


@pytest.mark.django_db
def test_invalid_patent_number(two_enterprises):
    problems = rejected("ip", csv(IP_HEADERS, f"202110123456.5,发明专利,一种传感器,{A},2021-01-05,2023-04-07,有效,,自主研发"))
    assert problems == ["第 2 行 [知识产权编号] 专利申请号校验位错误，应为 7"]


@pytest.mark.django_db
def test_patent_number_of_another_kind(two_enterprises):
    problems = rejected("ip", csv(IP_HEADERS, f"202120123456.2,发明专利,一种传感器,{A},2021-01-05,2023-04-07,有效,,自主研发"))
    assert problems == ["第 2 行 [知识产权编号] 申请号 202120123456.2 的类型位为 2，与类型「发明专利」不符"]


@pytest.mark.django_db
def test_invalid_software_copyright_number(two_enterprises):
    problems = rejected("ip", csv(IP_HEADERS, f"2021-SR-12,软件著作权,管理系统V1.0,{A},,2021-06-01,有效,,自主研发"))
    assert problems == ["第 2 行 [知识产权编号] 软件著作权登记号格式不正确，应如 2021SR0123456"]


@pytest.mark.django_db
def test_unknown_industry_code():
    assert rejected("enterprises", csv(ENTERPRISE_HEADERS, enterprise_line(industry="6598"))) == [
        "第 2 行 [行业代码] 行业代码 6598 不是 GB/T 4754-2017 中的小类"
    ]


@pytest.mark.django_db
def test_industry_code_that_is_not_a_class():
    assert rejected("enterprises", csv(ENTERPRISE_HEADERS, enterprise_line(industry="651"))) == [
        "第 2 行 [行业代码] 行业代码「651」应为 GB/T 4754-2017 小类的 4 位数字代码"
    ]


@pytest.mark.django_db
def test_unknown_region_code():
    assert rejected("enterprises", csv(ENTERPRISE_HEADERS, enterprise_line(region="120199999"))) == [
        "第 2 行 [行政区划代码] 行政区划代码 120199999 不在统计用区划代码表中"
    ]


@pytest.mark.django_db
def test_a_date_that_is_not_a_date():
    assert rejected("enterprises", csv(ENTERPRISE_HEADERS, enterprise_line(established="2018-02-30"))) == [
        "第 2 行 [成立日期] 不是有效日期：「2018-02-30」"
    ]


@pytest.mark.django_db
def test_a_negative_amount(two_enterprises):
    assert rejected("yearly", csv(YEARLY_HEADERS, yearly_line(rd="-300", rd_domestic=""))) == [
        "第 2 行 [研发费用(万元)] 金额不能为负数，实际为 -300"
    ]


@pytest.mark.django_db
def test_tech_staff_above_employees(two_enterprises):
    assert rejected("yearly", csv(YEARLY_HEADERS, yearly_line(employees="30", tech="45"))) == [
        "第 2 行 [科技人员数] 科技人员数（45）不能大于职工总数（30）"
    ]


@pytest.mark.django_db
def test_domestic_rd_above_total_rd(two_enterprises):
    assert rejected("yearly", csv(YEARLY_HEADERS, yearly_line(rd="300", rd_domestic="300.01"))) == [
        "第 2 行 [境内研发费用(万元)] 境内研发费用（300.01）不能大于研发费用（300.00）"
    ]


@pytest.mark.django_db
def test_an_expiry_before_issue(two_enterprises):
    assert rejected("certificates", csv(CERTIFICATE_HEADERS, f"{A},国家高新技术企业,GR202312000123,2023-11-06,2020-11-05")) == [
        "第 2 行 [有效期至] 有效期至 2020-11-05 早于发证日期 2023-11-06"
    ]


@pytest.mark.django_db
def test_a_duplicate_key_inside_one_file():
    problems = rejected("enterprises", csv(ENTERPRISE_HEADERS, enterprise_line(), enterprise_line(uscc=B), enterprise_line(name="重名")))
    assert problems == [f"第 4 行 [统一社会信用代码] 与第 2 行重复（{A}），同一文件中不能出现两次"]


@pytest.mark.django_db
def test_a_file_that_is_not_a_spreadsheet():
    with pytest.raises(FileRejected, match="^文件不是电子表格（.xlsx 或 .csv），无法读取$"):
        read_table(b"%PDF-1.7\n\x00\x00\x00binary", "企业名单.xlsx")


@pytest.mark.django_db
def test_an_empty_file():
    with pytest.raises(FileRejected, match="^文件为空$"):
        read_table(b"", "企业名单.csv")


@pytest.mark.django_db
def test_a_50_mb_file():
    data = csv(ENTERPRISE_HEADERS, *[enterprise_line()] * (50 * 1024 * 1024 // len(enterprise_line().encode())))
    with pytest.raises(FileRejected, match=r"^文件大小 50\.\d MB 超过上限 30 MB$"):
        read_table(data, "企业名单.csv")


@pytest.mark.django_db
def test_formulas_in_cells():
    data = xlsx([ENTERPRISE_HEADERS.split(","), [A, "生态城智能科技有限公司", "2018-05-20", "120116406", "6513", "电子信息", "=200*5", "", "存续"]])
    assert rejected("enterprises", data) == ["第 2 行 [注册资本(万元)] 单元格含公式，请粘贴为数值"]


@pytest.mark.django_db
def test_unknown_labels_list_the_allowed_ones(two_enterprises):
    problems = rejected("certificates", csv(CERTIFICATE_HEADERS, f"{A},省级高企,GR1,2023-11-06,2026-11-05"))
    assert problems == [
        "第 2 行 [资质类型] 「省级高企」不是允许的取值，应为：国家高新技术企业、天津市高新技术企业、科技型中小企业、"
        "雏鹰企业、瞪羚企业、科技领军企业、科技领军培育企业、软件企业"
    ]


@pytest.mark.django_db
def test_yearly_data_of_an_unknown_enterprise():
    assert rejected("yearly", csv(YEARLY_HEADERS, yearly_line())) == [
        f"第 2 行 [统一社会信用代码] 企业库中没有统一社会信用代码为 {A} 的企业，请先导入企业"
    ]


@pytest.mark.django_db
def test_a_future_year(two_enterprises):
    year = dt.date.today().year + 1
    assert rejected("yearly", csv(YEARLY_HEADERS, yearly_line(year=str(year)))) == [f"第 2 行 [年度] 年度应在 1978–{dt.date.today().year} 之间，实际为 {year}"]


@pytest.mark.django_db
def test_ip_owner_missing_from_the_registry(two_enterprises):
    stranger = valid_uscc(900003)
    problems = rejected("ip", csv(IP_HEADERS, f"202110123456.7,发明专利,一种传感器,{A}；{stranger},2021-01-05,2023-04-07,有效,,自主研发"))
    assert problems == [f"第 2 行 [权利人统一社会信用代码] 企业库中没有统一社会信用代码为 {stranger} 的企业，请先导入企业"]


@pytest.mark.django_db
def test_ip_grant_before_filing(two_enterprises):
    problems = rejected("ip", csv(IP_HEADERS, f"202110123456.7,发明专利,一种传感器,{A},2021-01-05,2020-04-07,有效,,自主研发"))
    assert problems == ["第 2 行 [授权日] 授权日 2020-04-07 早于申请日 2021-01-05"]


# --- what good files do ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_gbk_csv_with_synonyms_and_a_12_digit_region_code():
    data = csv(
        ENTERPRISE_HEADERS.replace("注册资本(万元)", "注册资本（万元）"),
        enterprise_line(region="120116406000", status="存续（在营、开业、在册）", domain="电子信息技术", industry="I6513"),
        encoding="gbk",
    )
    assert run("enterprises", data).counts.created == 1
    firm = Enterprise.objects.get(uscc=A)
    assert (firm.region_id, firm.industry_id, firm.high_tech_domain_id, firm.status) == ("120116406", "6513", "10", "subsisting")
    assert firm.registered_capital == decimal.Decimal("500.00") and firm.in_district


@pytest.mark.django_db
def test_xlsx_with_excel_date_cells_and_numeric_codes():
    data = xlsx([
        ENTERPRISE_HEADERS.split(","),
        [A, "生态城智能科技有限公司", dt.datetime(2018, 5, 20), 120116406000, 6513, "电子信息", 500, "天津", "存续"],
        [B, "天津农业科技有限公司", 43240, 120116, 111, "", 80.5, "", "迁出"],
    ])
    assert run("enterprises", data).counts.created == 2
    first, second = Enterprise.objects.get(uscc=A), Enterprise.objects.get(uscc=B)
    assert first.established == dt.date(2018, 5, 20) and second.established == dt.date(2018, 5, 20)
    assert second.industry_id == "0111" and second.high_tech_domain_id is None and not second.in_district


@pytest.mark.django_db
def test_reimporting_the_same_files_changes_nothing(two_enterprises):
    files = [
        ("enterprises", csv(ENTERPRISE_HEADERS, enterprise_line(), enterprise_line(uscc=B, name="生态城生物医药有限公司", domain="生物与新医药"))),
        ("yearly", csv(YEARLY_HEADERS, yearly_line(), yearly_line(year="2022", rd="200", rd_domestic=""))),
        ("ip", csv(IP_HEADERS, f"CN202110123456.7,发明,一种传感器,{A}、{B},2021/1/5,2023/4/7,有权,,原始取得", f"2021sr0123456,软件著作权,管理系统V1.0,{B},,2021-06-01,有效,,受让")),
        ("certificates", csv(CERTIFICATE_HEADERS, f"{A},国高企,GR202312000123,2023-11-06,2026-11-05", f"{B},科小,202312011600000123,2023-05-01,2023-12-31")),
    ]
    for kind, data in files[1:]:
        assert run(kind, data).counts.created == 2
    entries = AuditEntry.objects.count()
    for kind, data in files:
        counts = run(kind, data).counts
        assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 2), kind
    assert AuditEntry.objects.count() == entries
    patent = IntellectualProperty.objects.get(number="202110123456.7")
    assert set(patent.owners.values_list("uscc", flat=True)) == {A, B} and patent.kind_id == "invention_patent"
    assert Certificate.objects.get(number="GR202312000123").kind == "hnte"


@pytest.mark.django_db
def test_yearly_update_stamps_the_import_as_source_and_audits_the_change(two_enterprises):
    run("yearly", csv(YEARLY_HEADERS, yearly_line()))
    counts = run("yearly", csv(YEARLY_HEADERS, yearly_line(rd="350"))).counts
    assert (counts.created, counts.updated) == (0, 1)
    row = YearlyData.objects.get(enterprise__uscc=A, year=2023)
    assert row.rd_expense == decimal.Decimal("350.00") and row.source == "import"
    assert AuditEntry.objects.filter(action="update", object_type="registry.yearlydata").get().changes["rd_expense"] == ["300.00", "350.00"]


@pytest.mark.django_db
def test_changing_only_the_owners_counts_as_an_update(two_enterprises):
    run("ip", csv(IP_HEADERS, f"202110123456.7,发明专利,一种传感器,{A},2021-01-05,2023-04-07,有效,,自主研发"))
    result = run("ip", csv(IP_HEADERS, f"202110123456.7,发明专利,一种传感器,{B},2021-01-05,2023-04-07,有效,,自主研发"))
    assert (result.counts.updated, result.counts.unchanged) == (1, 0)
    assert list(IntellectualProperty.objects.get().owners.values_list("uscc", flat=True)) == [B]


@pytest.mark.django_db
def test_a_file_with_fewer_columns_updates_only_those(two_enterprises):
    counts = run("enterprises", csv("统一社会信用代码,企业名称,行政区划代码", f"{A},新名称,120116406")).counts
    assert counts.updated == 1
    firm = Enterprise.objects.get(uscc=A)
    assert firm.name == "新名称" and firm.industry_id == "6513" and firm.address == "天津市滨海新区中新生态城"


# --- discovery and commands ---------------------------------------------------------------------------


def test_registry_kinds_are_discovered():
    assert {"enterprises", "yearly", "ip", "certificates"} <= set(importers())


@pytest.mark.django_db
def test_import_command_writes_and_reports_counts(tmp_path, capsys):
    path = tmp_path / "企业.csv"
    path.write_bytes(csv(ENTERPRISE_HEADERS, enterprise_line()))
    call_command("import", "enterprises", str(path))
    assert "导入完成：新增 1，更新 0，未变 0" in capsys.readouterr().out
    call_command("import", "enterprises", str(path), "--dry-run")
    assert "检查通过（未写入）：新增 0，更新 0，未变 1" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_command_rejects_with_exit_code_2_and_an_error_workbook(tmp_path, capsys):
    path, errors = tmp_path / "企业.csv", tmp_path / "错误.xlsx"
    path.write_bytes(csv(ENTERPRISE_HEADERS, enterprise_line(), enterprise_line(uscc=B, industry="9999")))
    with pytest.raises(CommandError) as failed:
        call_command("import", "enterprises", str(path), "--errors-xlsx", str(errors))
    assert failed.value.returncode == 2 and "未写入任何数据" in str(failed.value)
    assert "第 3 行 [行业代码] 行业代码 9999 不是 GB/T 4754-2017 中的小类" in capsys.readouterr().err
    rows = list(load_workbook(errors)["数据"].iter_rows(values_only=True))
    assert rows[2][-1] == "[行业代码] 行业代码 9999 不是 GB/T 4754-2017 中的小类"
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_import_command_rejects_an_unreadable_file(tmp_path):
    path = tmp_path / "企业.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match=r"\[企业.xlsx\] 文件为空") as failed:
        call_command("import", "enterprises", str(path))
    assert failed.value.returncode == 2


def test_template_command_writes_headers_and_an_explanation(tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("template", "certificates", "-o", str(path))
    book = load_workbook(path)
    assert [c.value for c in book.worksheets[0][1]] == CERTIFICATE_HEADERS.split(",")
    explanation = {row[0]: row for row in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert explanation["资质类型"][1] == "是" and "科技领军培育企业" in explanation["资质类型"][2]


@pytest.mark.django_db
def test_the_template_filled_in_imports(tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("template", "enterprises", "-o", str(path))
    book = load_workbook(path)
    book.worksheets[0].append(enterprise_line().split(","))
    filled = io.BytesIO()
    book.save(filled)
    assert run("enterprises", filled.getvalue()).counts.created == 1


@pytest.mark.django_db
def test_ip_kinds_read_by_the_official_label_and_by_the_other_spelling(two_enterprises):
    # Utility-model numbers carry 2 as their type digit; both spellings real files use are read.
    data = csv(IP_HEADERS, f"CN202120123456.2,实用新型专利,一种支架,{A},2021/1/5,2021/6/7,有效,,自主研发",
               f"CN202120654321.9,实用新型,一种卡扣,{B},2021/2/5,2021/7/7,有效,,自主研发",
               f"CN202130111111.0,外观设计,一种外壳,{B},2021/2/5,2021/7/7,有效,,自主研发")
    assert run("ip", data).counts.created == 3
    kinds = dict(IntellectualProperty.objects.values_list("number", "kind__label"))
    assert kinds == {"202120123456.2": "实用新型专利", "202120654321.9": "实用新型专利", "202130111111.0": "外观设计专利"}
