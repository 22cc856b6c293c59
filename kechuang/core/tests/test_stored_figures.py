"""Stored figures: computed once per key, recomputed after any audited write to a table they read, and
never served when computed from records that changed while they were being counted."""
import pytest

from kechuang.core.audit import record_bulk
from kechuang.core.models import Department, DataDate, StoredFigure
from kechuang.core.storedfigures import stored_figure

computed = []


@stored_figure("test.departments", reads=(Department,))
def departments_named(prefix: str) -> dict:
    computed.append(prefix)
    return {"count": Department.objects.filter(name__startswith=prefix).count()}


@pytest.fixture(autouse=True)
def fresh_log():
    computed.clear()


@pytest.mark.django_db
def test_a_figure_is_computed_once_per_key_and_read_back_after():
    Department.objects.create(code="a1", name="甲局")
    assert departments_named("甲") == {"count": 1}
    assert departments_named("甲") == {"count": 1}
    assert departments_named("乙") == {"count": 0}
    assert computed == ["甲", "乙"]
    assert StoredFigure.objects.filter(name="test.departments").count() == 2


@pytest.mark.django_db
def test_a_save_or_delete_of_a_table_it_reads_makes_it_count_again():
    first = Department.objects.create(code="a1", name="甲局")
    assert departments_named("甲") == {"count": 1}
    Department.objects.create(code="a2", name="甲办")
    assert departments_named("甲") == {"count": 2}
    assert departments_named("乙") == {"count": 0}
    first.delete()
    assert departments_named("甲") == {"count": 1}
    assert computed == ["甲", "甲", "乙", "甲"]
    # The value for 乙 was of the versions before the delete: gone with them, not kept to pile up.
    assert list(StoredFigure.objects.filter(name="test.departments").values_list("key", flat=True)) == ["甲"]


@pytest.mark.django_db
def test_a_bulk_write_audited_in_bulk_makes_it_count_again():
    assert departments_named("甲") == {"count": 0}
    rows = Department.objects.bulk_create([Department(code=f"b{i}", name=f"甲{i}") for i in range(3)])
    record_bulk(Department, [("create", str(row.pk), str(row), None, {"name": row.name}) for row in rows])
    assert departments_named("甲") == {"count": 3}


@pytest.mark.django_db
def test_a_write_to_a_table_it_does_not_read_leaves_it_stored():
    import datetime as dt

    assert departments_named("甲") == {"count": 0}
    DataDate.objects.create(as_of=dt.date(2026, 6, 30), source="测试")
    assert departments_named("甲") == {"count": 0}
    assert computed == ["甲"]


@pytest.mark.django_db
def test_a_value_counted_while_a_write_landed_is_not_served_afterwards():
    @stored_figure("test.racing", reads=(Department,))
    def racing() -> dict:
        counted = Department.objects.count()
        # Another request's write commits between this count and the store.
        Department.objects.create(code=f"r{counted}", name=f"并发{counted}")
        return {"count": counted}

    assert racing() == {"count": 0}
    # The stored value carries the versions read before counting, which the write moved on: counted again.
    assert racing() == {"count": 1}
