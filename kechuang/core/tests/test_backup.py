"""`kechuang backup` and `kechuang restore`: a round trip on the database the tests run on (SQLite, or
PostgreSQL through pg_dump / pg_restore) gives back every table's rows, and the audit chain verifies."""
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kechuang.core.audit import verify_chain
from kechuang.core.models import AuditEntry


def table_contents() -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows (order-independent)."""
    contents = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            contents[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return contents


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_give_back_every_row_and_a_chain_that_verifies(tmp_path):
    call_command("demo", enterprises=30, seed="backup", stdout=io.StringIO())
    before = table_contents()
    assert before["registry_enterprise"][0] >= 30 and before["core_auditentry"][0] > 30
    file = tmp_path / "kechuang.backup"

    call_command("backup", str(file), stdout=io.StringIO())
    assert file.stat().st_size > 10_000

    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(file), "--noinput", stdout=io.StringIO())

    call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 0
    out = io.StringIO()
    call_command("restore", str(file), "--noinput", stdout=out)

    assert "与当前版本一致" in out.getvalue()
    after = table_contents()
    assert {table: count for table, (count, _digest) in after.items()} == {
        table: count for table, (count, _digest) in before.items()
    }
    assert after == before
    result = verify_chain()
    assert result.ok and result.checked == before["core_auditentry"][0]


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(tmp_path):
    fake = tmp_path / "evil.backup"
    fake.write_bytes(b"<html>not a database</html>")
    with pytest.raises(CommandError, match="不是 .* 备份文件"):
        call_command("restore", str(fake), "--noinput", stdout=io.StringIO())
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "missing"), "--noinput", stdout=io.StringIO())
