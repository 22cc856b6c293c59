"""What an attacker with the database's credentials (but not the MAC key) can do, for the tests."""
from contextlib import contextmanager

from django.db import connection


@contextmanager
def tampering():
    """Raw writes to audit rows, as the table's owner can make them on PostgreSQL by disabling the
    append-only trigger (inside the test's transaction, so it is back on afterwards)."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        yield cursor
        if postgres:
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")


def keep_test_connection(monkeypatch) -> None:
    """`kechuang COMMAND` run in-process closes every connection when the command ends, as it should in
    production; a test keeps its own, which holds the test's transaction."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
