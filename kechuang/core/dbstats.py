"""Planner statistics the product keeps fresh itself (PostgreSQL may run with autovacuum off, and SQLite
never gathers them on its own): without them both plan joins over certificates and yearly figures as if
the tables were empty, and a page over 20,000 enterprises takes seconds instead of milliseconds (the
expiry alerts: 25.8 s at 20,000 enterprises on SQLite, 0.52 s after one ANALYZE).

Every bulk write — migrations, large imports, the demo, a screening — ends with `refresh_statistics()`,
and `kechuang dbstats` runs it on a schedule."""
from django.db import DEFAULT_DB_ALIAS, connections


def refresh_statistics(using: str = DEFAULT_DB_ALIAS, models=None) -> None:
    """Gather fresh statistics for every table after a bulk write (imports, the demo, migrations), or for
    the tables of `models` only, when a write touched just those (a screening: its results and its run).

    Runs inside the caller's transaction if there is one: both databases then plan the rest of that
    transaction on the rows it has written so far."""
    connection = connections[using]
    names = None if models is None else [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # All tables by a full ANALYZE: SQLite's `PRAGMA optimize` alone skips tables it has never analysed.
            statements = ["ANALYZE"] if names is None else [f"ANALYZE {connection.ops.quote_name(name)}" for name in names]
            for statement in statements:
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            # Only the product's tables: a bare ANALYZE also takes the catalogs every database on the
            # server shares, and waits behind any other database's transaction that holds them.
            names = names if names is not None else connection.introspection.table_names(cursor)
            tables = ", ".join(connection.ops.quote_name(name) for name in names)
            # The statement timeout guards pages; maintenance of a large database may take longer.
            cursor.execute("SET statement_timeout = 0")
            try:
                if tables:
                    cursor.execute(f"ANALYZE {tables}")
            finally:
                cursor.execute("RESET statement_timeout")


def refresh_after_migrate(sender, using=DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """`post_migrate` receiver (connected once, for the core app): a migration may add an index the
    planner knows nothing about yet. Only after migrations were applied: `flush` (which the test suite
    runs between transactional tests) sends the same signal with no plan."""
    if plan:
        refresh_statistics(using)
