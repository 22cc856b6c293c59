"""Planner statistics the product keeps fresh itself.

Both databases choose their query plans from table statistics, and neither gathers them on its own here:
SQLite never does, and a PostgreSQL run with autovacuum off (as some managed servers are) only when told.
Without them SQLite walks the certificates through the (kind, issued, expires) index once per enterprise
(25.8 s for the expiry alerts at 20,000 enterprises, 0.52 s after one ANALYZE). So every bulk write —
migrations, imports, the demo, a screening — ends with `refresh()`, and `kechuang dbstats` runs it on a
schedule.
"""
from __future__ import annotations

import time

from django.db import connections

# SQLite's ANALYZE samples at most this many index rows per index: the plans it needs are the same and
# a 100,000-enterprise district is analysed in well under a second.
SQLITE_ANALYSIS_LIMIT = 2000


def refresh(using: str = "default") -> float:
    """Update the planner's statistics for every table; returns the seconds it took."""
    connection = connections[using]
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return time.monotonic() - started


def refresh_after_migrate(sender, using="default", **kwargs) -> None:
    """`post_migrate` receiver (connected once, for the core app): a migration may add an index the
    planner knows nothing about yet."""
    refresh(using)
