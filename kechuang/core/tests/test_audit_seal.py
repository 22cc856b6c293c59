"""The audit chain cannot be rewritten unnoticed by someone who can write the database but lacks the MAC
key and the head written outside it (issue 9, point 3)."""
import datetime as dt
import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from kechuang.core import audit_seal
from kechuang.core.audit import GENESIS_DIGEST, PendingEntry, append, entry_digest, _digest_fields, verify_chain
from kechuang.core.audit_archive import verify_archive
from kechuang.core.choices import AuditAction, Role
from kechuang.core.exports import table_rows
from kechuang.core.models import AuditChainHead, AuditEntry
from kechuang.core.tests.tampering import tampering


@pytest.fixture
def chain(db, django_capture_on_commit_callbacks):
    """Appends `count` committed entries, so that the head is written out after each as in production."""

    def write(count: int, prefix: str = "user"):
        for index in range(count):
            with django_capture_on_commit_callbacks(execute=True):
                append([PendingEntry(AuditAction.LOGIN, "core.user", "", f"{prefix}{index}")])

    return write


def _verify_output(capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify")
    return exit_.value.code, capsys.readouterr().err


def test_every_append_writes_the_sealed_head_outside_the_database_and_to_syslog(chain, settings, caplog):
    with caplog.at_level("INFO", logger="kechuang.audit.head"):
        chain(3)
    written = json.loads(open(settings.KECHUANG_AUDIT_HEAD_FILE).read())
    last = AuditEntry.objects.order_by("sequence").last()
    assert written == {"sequence": last.sequence, "digest": last.digest,
                       "mac": audit_seal.head_mac(last.sequence, last.digest)}
    assert last.mac == audit_seal.entry_mac(last.digest) and verify_chain().ok
    assert caplog.records[-1].getMessage() == f"audit head sequence={last.sequence} digest={last.digest} mac={written['mac']}"


def test_the_key_file_is_created_private_and_the_key_is_not_in_the_database(db, settings, tmp_path):
    settings.KECHUANG_AUDIT_KEY, settings.KECHUANG_AUDIT_KEY_FILE = "", str(tmp_path / "keys" / "audit.key")
    key = audit_seal.audit_key()
    assert stat.S_IMODE((tmp_path / "keys" / "audit.key").stat().st_mode) == 0o600 and len(key) == 64
    append([PendingEntry(AuditAction.LOGIN, "core.user", "", "someone")])
    assert not AuditEntry.objects.filter(changes__icontains=key.decode()).exists()
    assert audit_seal.audit_key() == key  # the same key on every later use


def test_deleting_the_last_50_entries_and_moving_the_head_is_reported(chain, capsys):
    chain(60)
    kept = AuditEntry.objects.get(sequence=10)
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE sequence > 10")
    AuditChainHead.objects.filter(pk=1).update(sequence=10, digest=kept.digest, mac=kept.mac)
    result = verify_chain()
    assert (result.ok, result.first_bad_sequence, result.reason) == (False, 11, "missing")
    code, err = _verify_output(capsys)
    assert code == 1 and "entry #11 was removed" in err


def test_changing_one_entry_and_recomputing_every_digest_after_it_is_reported(chain, capsys):
    chain(20)
    previous = AuditEntry.objects.get(sequence=4).digest
    with tampering() as cursor:
        for entry in AuditEntry.objects.filter(sequence__gte=5).order_by("sequence"):
            if entry.sequence == 5:
                entry.actor = "mallory"
            entry.previous_digest = previous
            entry.digest = entry_digest(_digest_fields(entry), previous)
            cursor.execute("UPDATE core_auditentry SET actor = %s, previous_digest = %s, digest = %s WHERE id = %s",
                           [entry.actor, entry.previous_digest, entry.digest, entry.pk])
            previous = entry.digest
    AuditChainHead.objects.filter(pk=1).update(digest=previous)
    result = verify_chain()
    assert (result.ok, result.first_bad_sequence, result.reason) == (False, 5, "forged")
    code, err = _verify_output(capsys)
    assert code == 1 and "entry #5 was re-sealed without the key" in err


def test_emptying_the_table_and_resetting_the_head_is_reported(chain, capsys):
    chain(12)
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    AuditChainHead.objects.filter(pk=1).update(sequence=0, digest=GENESIS_DIGEST, mac="")
    result = verify_chain()
    assert (result.ok, result.first_bad_sequence, result.reason) == (False, 1, "missing")
    code, err = _verify_output(capsys)
    assert code == 1 and "entry #1 was removed" in err


def test_a_head_row_reset_alone_is_reported_without_the_head_file(db):
    for index in range(3):
        append([PendingEntry(AuditAction.LOGIN, "core.user", "", f"user{index}")])
    AuditChainHead.objects.filter(pk=1).update(sequence=0, digest=GENESIS_DIGEST, mac="")
    assert verify_chain().reason == "missing"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
@pytest.mark.parametrize("statement", ["UPDATE core_auditentry SET actor = 'mallory'", "DELETE FROM core_auditentry"])
def test_postgresql_refuses_to_update_or_delete_audit_rows(db, statement):
    append([PendingEntry(AuditAction.LOGIN, "core.user", "", "someone")])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.get().actor == "system"


def _entries_made(days_ago: int, count: int, monkeypatch, prefix: str):
    moment = timezone.now() - dt.timedelta(days=days_ago)
    with monkeypatch.context() as patch:
        patch.setattr("kechuang.core.audit.timezone.now", lambda: moment)
        for index in range(count):
            append([PendingEntry(AuditAction.LOGIN, "core.user", "", f"{prefix}{index}")])


def test_archive_exports_entries_that_verify_alone_then_the_chain_continues(db, monkeypatch, tmp_path, capsys):
    _entries_made(400, 5, monkeypatch, "old")
    _entries_made(10, 3, monkeypatch, "recent")
    out = tmp_path / "audit-2025.jsonl"
    before = timezone.localdate() - dt.timedelta(days=200)
    call_command("audit", "archive", "--before", before.isoformat(), "--out", str(out))
    assert "archived 5 entries" in capsys.readouterr().out
    assert verify_archive(out).ok and verify_archive(out).checked == 5
    call_command("audit", "verify", "--archive", str(out))
    assert "OK: 5 entries verified" in capsys.readouterr().out
    assert AuditEntry.objects.order_by("sequence").first().sequence == 6
    assert AuditEntry.objects.filter(action=AuditAction.ARCHIVE).exists()
    append([PendingEntry(AuditAction.LOGIN, "core.user", "", "later")])
    assert verify_chain().ok
    lines = out.read_text().splitlines()
    entry = json.loads(lines[2])
    entry["actor"] = "mallory"
    out.write_text("\n".join([lines[0], lines[1], json.dumps(entry), *lines[3:]]) + "\n")
    tampered = verify_archive(out)
    assert not tampered.ok and tampered.first_bad_sequence == 2


def test_entries_younger_than_the_retention_period_are_never_archived(db, monkeypatch, tmp_path, settings):
    assert settings.KECHUANG_AUDIT_RETENTION_DAYS >= 180
    _entries_made(100, 2, monkeypatch, "recent")
    with pytest.raises(CommandError, match="180"):
        call_command("audit", "archive", "--before", timezone.localdate().isoformat(), "--out", str(tmp_path / "a"))
    assert AuditEntry.objects.count() == 2 and not (tmp_path / "a").exists()


def test_the_audit_export_takes_control_characters(client, make_user):
    append([PendingEntry(AuditAction.UPDATE, "registry.enterprise", "7", "云帆\x07软件\x1b", {"name": ["a\x00", "b\x0b"]})])
    client.force_login(make_user(Role.AUDITOR))
    response = client.get(reverse("core:audit-log"), {"object": "registry.enterprise", "export": "xlsx"})
    assert response.status_code == 200
    rows = table_rows(response.content)
    assert rows[1][8] == "云帆\\x07软件\\x1b" and rows[1][9] == "名称：a\\x00 → b\\x0b"
    assert verify_chain().ok
