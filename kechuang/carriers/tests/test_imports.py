import datetime as dt

import pytest

from kechuang.carriers.importers import CarrierImporter, TenantImporter
from kechuang.carriers.models import Carrier, Tenant
from kechuang.core.imports import ImportFailed, importer_for, read_table

CARRIER_HEADER = "载体编码,载体名称,载体类型,级别,认定日期,认定文件,运营主体统一社会信用代码,所属组团,专业领域,专业类载体,场地面积(平方米),地址,行政区划代码\n"


def _run(importer, text):
    return importer().run(read_table(text.encode("utf-8"), "f.csv"))


def test_kinds_are_declared():
    assert importer_for("carriers") is CarrierImporter and importer_for("tenants") is TenantImporter


def test_carriers_import_and_a_bad_file_writes_nothing(make_enterprise):
    operator = make_enterprise("运营公司")
    good = CARRIER_HEADER + f"tb-1,启迪之星孵化器,孵化器,国家级,2019-05-01,国科发区〔2019〕100号,{operator.uscc},中部,智能科技,是,12000,生态城,120116406\n"
    check = _run(CarrierImporter, good)
    assert check.counts.created == 1
    carrier = Carrier.objects.get(code="tb-1")
    assert carrier.operator == operator and carrier.specialised and carrier.cluster == "central"
    bad = CARRIER_HEADER + (f"tb-2,新空间,众创空间,区级,,,{operator.uscc},中部,,,600,,120116406\n"
                            f"tb-3,某空间,咖啡馆,区级,,,{operator.uscc},东部,,,600,,120116406\n")
    with pytest.raises(ImportFailed) as failed:
        _run(CarrierImporter, bad)
    reasons = [str(p) for p in failed.value.check.problems]
    assert any("第 3 行 [载体类型]" in r for r in reasons) and any("[所属组团]" in r for r in reasons)
    assert not Carrier.objects.filter(code="tb-2").exists()


TENANT_HEADER = "载体编码,统一社会信用代码,入驻日期,离开日期,使用面积(平方米),状态\n"


def test_tenants_import_refuses_overlap_exit_before_entry_and_graduation(carrier, make_enterprise):
    firm = make_enterprise("在孵甲")
    Tenant.objects.create(carrier=carrier, enterprise=firm, entered=dt.date(2021, 1, 1), exited=dt.date(2022, 1, 1), status="moved_out")
    good = TENANT_HEADER + f"c1,{firm.uscc},2022-01-01,,120,在孵\n"
    assert _run(TenantImporter, good).counts.created == 1
    again = _run(TenantImporter, good)
    assert again.counts.unchanged == 1
    for row, column in [
        (f"c1,{firm.uscc},2021-06-01,2021-09-01,50,迁出\n", "入驻日期"),            # overlaps the stored 2021 stay
        (f"c1,{firm.uscc},2024-06-01,2024-05-01,50,迁出\n", "离开日期"),            # exit before entry
        (f"c1,{firm.uscc},2019-01-01,2019-06-01,50,毕业\n", "状态"),               # graduation is not imported
        (f"zz,{firm.uscc},2019-01-01,,50,在孵\n", "载体编码"),
    ]:
        with pytest.raises(ImportFailed) as failed:
            _run(TenantImporter, TENANT_HEADER + f"c1,{firm.uscc},2018-01-01,2018-06-01,10,迁出\n" + row)
        assert [p.column for p in failed.value.check.problems] == [column], failed.value.check.problems
        assert Tenant.objects.count() == 2


def test_two_overlapping_rows_in_one_file(carrier, make_enterprise):
    firm = make_enterprise("在孵乙")
    text = TENANT_HEADER + f"c1,{firm.uscc},2020-01-01,2021-01-01,10,迁出\nc1,{firm.uscc},2020-06-01,,10,在孵\n"
    with pytest.raises(ImportFailed) as failed:
        _run(TenantImporter, text)
    assert "重叠" in str(failed.value.check.problems[0])
    assert not Tenant.objects.exists()
