"""The expert pool import: all or nothing, errors naming row, column and reason."""
import pytest

from kechuang.core.imports import ImportFailed, read_table
from kechuang.projects.importers import ExpertImporter
from kechuang.projects.models import Expert

pytestmark = pytest.mark.django_db

HEADER = "姓名,技术领域,工作单位,工作单位统一社会信用代码,级别,回避单位\n"


def test_experts_are_imported_and_updated():
    good = HEADER + "李明,电子信息,南开大学,,市级专家,天津某科技有限公司；91120116MA0000001X\n赵强,20,天津大学,,国家级专家,\n"
    assert ExpertImporter().run(read_table(good.encode("utf-8"), "e.csv")).ok
    li = Expert.objects.get(name="李明")
    assert li.field_id == "10" and li.declared_conflicts == ["天津某科技有限公司", "91120116MA0000001X"]
    assert Expert.objects.get(name="赵强").level == "national"
    ExpertImporter().run(read_table((HEADER + "李明,电子信息,南开大学,,区级专家,\n").encode("utf-8"), "e.csv"))
    assert Expert.objects.count() == 2 and Expert.objects.get(name="李明").level == "district"


def test_a_bad_row_writes_nothing():
    bad = HEADER + "李明,电子信息,南开大学,,市级专家,\n王芳,量子玄学,天津大学,,市级专家,\n"
    with pytest.raises(ImportFailed) as failed:
        ExpertImporter().run(read_table(bad.encode("utf-8"), "e.csv"))
    reasons = " ".join(str(p) for p in failed.value.check.problems)
    assert "第 3 行" in reasons and "技术领域" in reasons and "量子玄学" in reasons
    assert not Expert.objects.exists()
