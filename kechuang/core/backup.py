"""Whole-database backup and restore.

SQLite is copied with its online backup API (consistent while the site keeps writing); PostgreSQL is
dumped with `pg_dump --format=custom` and restored with `pg_restore` (Debian's `postgresql-client`,
whose major version must be at least the server's). A restore replaces everything in the database,
so it goes only into an empty one (migrated, but with no user and no audit entry) unless the caller
says to overwrite; a backup from an older version is then migrated up to the code's schema."""
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in Chinese."""


def _pg_command(program: str) -> tuple[list[str], dict]:
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(f"找不到 {program}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）")
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    arguments = [binary]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            arguments.append(f"{flag}={db[key]}")
    return arguments, env


def _run(arguments: list[str], env: dict) -> None:
    result = subprocess.run(arguments, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} 失败：{result.stderr.strip()}")


def backup(target: Path) -> None:
    """Writes the whole database to `target` (written beside it first, so a failed run leaves no half file)."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        destination = sqlite3.connect(partial)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        arguments, env = _pg_command("pg_dump")
        _run([*arguments, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
              connection.settings_dict["NAME"]], env)
    else:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库")
    partial.replace(target)


def contents_count() -> dict[str, int]:
    """What makes a database not empty: its accounts and its audit trail."""
    from kechuang.core.models import AuditEntry, User

    return {"用户": User.objects.count(), "审计记录": AuditEntry.objects.count()}


def _check_file(source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"备份文件 {source} 不存在")
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    expected = SQLITE_MAGIC if connection.vendor == "sqlite" else PG_CUSTOM_MAGIC
    if not head.startswith(expected):
        kind = "SQLite" if connection.vendor == "sqlite" else "PostgreSQL（pg_dump --format=custom）"
        raise BackupError(f"{source} 不是 {kind} 备份文件，而当前数据库是 {connection.vendor}")


def restore(source: Path, overwrite: bool = False) -> None:
    """Replaces the database's contents with the backup in `source`, then migrates it."""
    source = Path(source)
    _check_file(source)
    present = {what: count for what, count in contents_count().items() if count}
    if present and not overwrite:
        found = "、".join(f"{count} 个{what}" if what == "用户" else f"{count} 条{what}" for what, count in present.items())
        raise BackupError(
            f"当前数据库不是空的（已有 {found}），恢复会覆盖其中全部数据。"
            "请恢复到一个新建并已迁移的空数据库，或确认覆盖后加 --force 再运行。"
        )
    if connection.vendor == "sqlite":
        _restore_sqlite(source)
    else:
        arguments, env = _pg_command("pg_restore")
        _run([*arguments, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              f"--dbname={connection.settings_dict['NAME']}", str(source)], env)
    ContentType.objects.clear_cache()
    if has_unapplied_migrations():
        call_command("migrate", interactive=False, verbosity=0)


def has_unapplied_migrations() -> bool:
    """A backup made by an older version needs the newer migrations; one of this version is left as it was."""
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _restore_sqlite(source: Path) -> None:
    # Read through a private copy so the backup file itself is never opened for writing.
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "restore.sqlite3"
        shutil.copyfile(source, copy)
        origin = sqlite3.connect(copy)
        try:
            connection.ensure_connection()
            origin.backup(connection.connection)
        finally:
            origin.close()
