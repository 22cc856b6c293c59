"""The product gathers planner statistics itself: after migrations and on `kechuang dbstats`."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from kechuang.registry.models import Certificate


def _analysed_rows(table: str):
    """What the planner knows about the table's size, or None when it was never analysed."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NOT NULL", [table])
            found = cursor.fetchone()
            return int(found[0].split()[0]) if found else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        estimate = cursor.fetchone()[0]
        return int(estimate) if estimate >= 0 else None  # -1: never analysed


@pytest.mark.django_db
def test_dbstats_command_gives_the_planner_the_table_sizes(make_enterprise):
    firms = [make_enterprise() for _ in range(3)]
    for n, firm in enumerate(firms):
        Certificate.objects.create(enterprise=firm, kind="tsme", number=f"TS{n}", issued=dt.date(2024, 1, 1))
    call_command("dbstats")
    assert _analysed_rows(Certificate._meta.db_table) == 3


@pytest.mark.django_db
def test_a_write_to_a_few_tables_refreshes_only_theirs(make_enterprise):
    from kechuang.core.dbstats import refresh_statistics
    from kechuang.registry.models import Enterprise

    # Five, a size no other test leaves behind (PostgreSQL keeps an ANALYZE's counts through a rollback).
    firms = [make_enterprise() for _ in range(5)]
    for n, firm in enumerate(firms):
        Certificate.objects.create(enterprise=firm, kind="tsme", number=f"TS{n}", issued=dt.date(2024, 1, 1))
    refresh_statistics(models=[Certificate])
    assert _analysed_rows(Certificate._meta.db_table) == 5
    assert _analysed_rows(Enterprise._meta.db_table) != 5
