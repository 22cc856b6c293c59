"""Every import kind answers out-of-range numbers, huge integers and odd text in any column with a
row, column and reason, never with a server error, and writes nothing."""
import pytest

from kechuang.core.imports import ImportFailed, Table, importer_for, importers
from kechuang.core.models import AuditEntry

HOSTILE = ("1E+30", "12345678901234567890123", "-1E+30", "NaN", "inf", 1e30, float("nan"), 10**23, "\x00\x07", "=1+1")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(importers()))
@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_every_column_of_every_kind_refuses_hostile_values_and_writes_nothing(kind, value):
    importer = importer_for(kind)
    headers = [spec.header for spec in importer.fields]
    table = Table(headers, [(2, [value] * len(headers)), (3, [value] * len(headers))])
    with pytest.raises(ImportFailed) as failed:
        importer().run(table)
    problems = failed.value.check.problems
    assert problems and all(p.row in (2, 3) and p.column in headers and p.reason for p in problems)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "column", "value", "reason"), [
    ("yearly", "营业收入(万元)", "1E+30", "金额超出范围：绝对值不能超过 99999999999999.99 万元，实际为「1E+30」"),
    ("yearly", "职工总数", "12345678901234567890123", "不能大于 2147483647，实际为 12345678901234567890123"),
    ("yearly", "年度", 99999, "不能大于 2100，实际为 99999"),
    ("enterprises", "注册资本(万元)", 1e30, "金额超出范围"),
    ("contracts", "合同成交额(万元)", "1E+30", "金额超出范围"),
])
def test_a_number_the_column_cannot_hold_is_named_by_row_column_and_reason(kind, column, value, reason):
    importer = importer_for(kind)
    headers = [spec.header for spec in importer.fields]
    row = [value if header == column else None for header in headers]
    check = importer().check(Table(headers, [(7, row)]))
    assert any(p.row == 7 and p.column == column and reason in p.reason for p in check.problems), check.problems

