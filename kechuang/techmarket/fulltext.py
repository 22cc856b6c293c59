"""The full-text index over `match_terms` that Django does not know about (made by migration 0004):
a generated tsvector column with a GIN index on PostgreSQL, an external-content FTS5 table kept in step by
triggers on SQLite.

Django rebuilds a SQLite table (new table, copy, drop, rename) for many `AlterField`s, and the triggers go
with the dropped table: the FTS5 table then stops following writes. `ensure` puts back whatever is
missing, and re-reads the FTS5 table from its content when its triggers had to be put back (rows may
have changed while they were gone). It runs after every `migrate` (post_migrate) and at the end of a
migration that is known to rebuild the tables; it does nothing when everything is in place.
"""

from __future__ import annotations

TABLES = ("techmarket_achievement", "techmarket_demand")


def _triggers(fts: str, table: str) -> dict[str, str]:
    return {
        f"{fts}_ai": f"AFTER INSERT ON {table} BEGIN "
                     f"INSERT INTO {fts}(rowid, match_terms) VALUES (new.id, new.match_terms); END",
        f"{fts}_ad": f"AFTER DELETE ON {table} BEGIN "
                     f"INSERT INTO {fts}({fts}, rowid, match_terms) VALUES ('delete', old.id, old.match_terms); END",
        f"{fts}_au": f"AFTER UPDATE OF match_terms ON {table} BEGIN "
                     f"INSERT INTO {fts}({fts}, rowid, match_terms) VALUES ('delete', old.id, old.match_terms); "
                     f"INSERT INTO {fts}(rowid, match_terms) VALUES (new.id, new.match_terms); END",
    }


def ensure(connection) -> list[str]:
    """Create what is missing of the full-text index; returns what was (re)made, e.g. for a log line."""
    made = []
    with connection.cursor() as cur:
        existing = set(connection.introspection.table_names(cur))
        for table in TABLES:
            if table not in existing:
                continue
            if connection.vendor == "postgresql":
                columns = {c.name for c in connection.introspection.get_table_description(cur, table)}
                if "match_tsv" not in columns:
                    cur.execute(f"ALTER TABLE {table} ADD COLUMN match_tsv tsvector "
                                f"GENERATED ALWAYS AS (to_tsvector('simple', match_terms)) STORED")
                    made.append(f"{table}.match_tsv")
                cur.execute(f"CREATE INDEX IF NOT EXISTS {table}_match_tsv ON {table} USING gin (match_tsv)")
            elif connection.vendor == "sqlite":
                fts = f"{table}_fts"
                if fts not in existing:
                    cur.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(match_terms, content='{table}', content_rowid='id')")
                    made.append(fts)
                cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
                present = {name for (name,) in cur.fetchall()}
                missing = {name: body for name, body in _triggers(fts, table).items() if name not in present}
                for name, body in missing.items():
                    cur.execute(f"CREATE TRIGGER {name} {body}")
                    made.append(name)
                if missing or fts in made:
                    cur.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    return made


def drop(connection) -> None:
    with connection.cursor() as cur:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cur.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS match_tsv")
            elif connection.vendor == "sqlite":
                for name in _triggers(f"{table}_fts", table):
                    cur.execute(f"DROP TRIGGER IF EXISTS {name}")
                cur.execute(f"DROP TABLE IF EXISTS {table}_fts")


def after_migrate(sender, using, plan=None, **kwargs) -> None:
    """post_migrate receiver: after every `migrate`, even one with nothing to apply, so that running it
    repairs a table rebuilt by hand; not after `flush`, which sends the same signal with no plan."""
    from django.db import connections

    if plan is not None:
        ensure(connections[using])
