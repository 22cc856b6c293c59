from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kechuang.core.imports import FileRejected, ImportFailed, read_table
from kechuang.techmarket.importers import IMPORTERS, ContractImporter
from kechuang.techmarket.models import ContractChange, TechContract

pytestmark = pytest.mark.django_db

HEADER = "登记号,合同名称,合同类型,卖方统一社会信用代码,买方名称,买方地区代码,合同成交额(万元),技术交易额(万元),签订日期,登记日期,登记状态"


def _csv(seller, *rows, header=HEADER, encoding="utf-8"):
    lines = [header] + [row.format(uscc=seller.uscc) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


GOOD = [
    "120116406202200001,智慧能源管理平台开发,技术开发（委托）,{uscc},天津某能源公司,120101,300,280,2022-02-10,2022-03-01,已登记",
    "120116406202200002,膜分离专利转让,技术转让,{uscc},新加坡某水务公司,境外,150.5,150.5,2022-04-01,2022-04-20,已登记",
    "120116406202200003,员工操作培训,技术服务(技术培训),{uscc},北京某公司,110108,20,20,2022-05-01,,未予登记",
]


def _run(data):
    return ContractImporter().run(read_table(data, "contracts.csv"))


def test_import_creates_contracts_with_types_buyers_and_history(make_enterprise):
    seller = make_enterprise()
    result = _run(_csv(seller, *GOOD))
    assert result.counts.created == 3
    dev, transfer, training = TechContract.objects.order_by("registration_number")
    assert (dev.contract_type, dev.subtype, dev.buyer_region_id) == ("development", "entrusted", "120101")
    assert transfer.buyer_abroad and transfer.buyer_region_id is None and transfer.amount == Decimal("150.50")
    assert (training.subtype, training.status, training.registered_on) == ("training", "refused", None)
    assert ContractChange.objects.filter(kind="import").count() == 3
    assert IMPORTERS == {"contracts": ContractImporter}

    # The same file again changes nothing; a corrected amount updates and is kept in the history.
    assert _run(_csv(seller, *GOOD)).counts.unchanged == 3
    _run(_csv(seller, GOOD[0].replace(",300,280,", ",320,280,")))
    change = ContractChange.objects.filter(contract=dev, kind="import").order_by("pk").last()
    assert change.before["amount"] == "300.00" and change.after["amount"] == "320.00"


def test_gbk_file_is_read(make_enterprise):
    seller = make_enterprise()
    assert _run(_csv(seller, *GOOD, encoding="gbk")).counts.created == 3


def test_bad_rows_are_all_reported_and_nothing_written(make_enterprise):
    seller = make_enterprise()
    rows = GOOD + [
        "120116406202200004,超额合同,技术开发,{uscc},某公司,120101,100,120,2022-01-01,2022-01-05,已登记",
        "120116406202200005,错误子类,技术咨询(委托),{uscc},某公司,120101,10,10,2022-01-01,2022-01-05,已登记",
        "120116406202200006,无登记日期,技术许可,{uscc},某公司,120101,10,10,2022-01-01,,已登记",
        "120116406202200007,未知卖方,技术许可,91120116MA05XXXXX0,某公司,120101,10,10,2022-01-01,2022-01-05,已登记",
    ]
    with pytest.raises(ImportFailed) as failed:
        _run(_csv(seller, *rows))
    problems = [str(p) for p in failed.value.check.problems]
    assert any(p.startswith("第 5 行 [技术交易额(万元)]") and "不能超过合同成交额" in p for p in problems)
    assert any(p.startswith("第 6 行 [合同类型]") and "不适用于技术咨询" in p for p in problems)
    assert any(p.startswith("第 7 行 [登记日期]") for p in problems)
    assert any(p.startswith("第 8 行 [卖方统一社会信用代码]") for p in problems)
    assert not TechContract.objects.exists()


def test_missing_column_is_refused(make_enterprise):
    seller = make_enterprise()
    header = HEADER.replace(",技术交易额(万元)", "")
    row = GOOD[0].replace(",280,", ",")
    with pytest.raises(ImportFailed) as failed:
        _run(_csv(seller, row, header=header))
    assert [str(p) for p in failed.value.check.problems] == ["[技术交易额(万元)] 缺少必需的列"]
    assert not TechContract.objects.exists()


def test_file_not_utf8_or_gbk_is_refused(make_enterprise):
    seller = make_enterprise()
    with pytest.raises(FileRejected) as rejected:
        read_table(_csv(seller, *GOOD, encoding="utf-16"), "contracts.csv")
    assert "编码" in rejected.value.reason


def test_import_command(make_enterprise, tmp_path):
    seller = make_enterprise()
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(_csv(seller, *GOOD))
    bad.write_bytes(b"\xff\xfe\x00\x00garbage")
    call_command("import", "contracts", str(good))
    assert TechContract.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("import", "contracts", str(bad))
    assert TechContract.objects.registered().filter(registered_on__year=2022).turnover() == Decimal("450.50")


def test_contracts_import_through_the_shared_import_pages(client, officer, make_enterprise, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    seller = make_enterprise()
    client.force_login(officer)
    page = client.get(reverse("techmarket:contracts")).content.decode()
    assert reverse("core:import") in page
    upload = SimpleUploadedFile("合同登记.csv", _csv(seller, *GOOD), content_type="text/csv")
    preview = client.post(reverse("core:import"), {"kind": "contracts", "file": upload})
    assert preview.status_code == 302 and not TechContract.objects.exists()
    client.post(preview.url)
    assert TechContract.objects.count() == 3
