"""Retention of the audit trail: entries older than the retention period (at least 180 days) may be moved
to an archive file that verifies on its own, and only then removed; the chain kept in the database goes
on verifying from the archive's last digest (an `AuditArchiveMark` carrying a MAC).

The archive file is JSON lines: a header, one line per entry (every field, digest and MAC), a trailer
with the last digest and a MAC over the whole stretch.

On PostgreSQL a trigger refuses UPDATE and DELETE on audit rows; the archive is the one path that may
delete, by setting `kechuang.audit_archive = 'on'` for its own transaction only (`SET LOCAL`)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core import clock
from kechuang.core import audit_seal
from kechuang.core.audit import GENESIS_DIGEST, PendingEntry, VerifyResult, _walk, append, chain_start
from kechuang.core.choices import AuditAction

FORMAT = "kechuang-audit-archive/1"
ENTRY_FIELDS = ("sequence", "at", "actor", "address", "action", "object_type", "object_id", "object_repr",
                "changes", "previous_digest", "digest", "mac")


class ArchiveRefused(Exception):
    pass


@dataclass
class _ArchivedEntry:
    """An entry read back from an archive file, shaped like AuditEntry for the chain walk."""

    sequence: int
    at: dt.datetime
    actor: str
    address: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    previous_digest: str
    digest: str
    mac: str


def _stretch_mac(first: int, last: int, previous: str, last_digest: str, key=None) -> str:
    return audit_seal.mac_of(f"archive-file:{first}:{last}:{previous}:{last_digest}", key)


def archive_before(before: dt.date, out: Path) -> int:
    """Archive the entries made before `before` to `out`, check the file, then remove them."""
    from kechuang.core.models import AuditArchiveMark, AuditEntry

    limit = clock.today() - dt.timedelta(days=settings.KECHUANG_AUDIT_RETENTION_DAYS)
    if before > limit:
        raise ArchiveRefused(_("Audit entries are kept %(days)d days: archive only before %(date)s.")
                             % {"days": settings.KECHUANG_AUDIT_RETENTION_DAYS, "date": limit + dt.timedelta(days=1)})
    result = _verify_database_chain()
    if not result.ok:
        raise ArchiveRefused(_("The audit chain does not verify (entry #%(sequence)s): nothing archived.")
                             % {"sequence": result.first_bad_sequence})
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    key = audit_seal.audit_key()
    with transaction.atomic():
        first_sequence, previous = chain_start(key)
        # Only the stretch at the start of the chain made before the cutoff: nothing younger goes, even if
        # an older entry (a clock set back) follows it.
        first_young = AuditEntry.objects.filter(sequence__gte=first_sequence, at__gte=cutoff).order_by("sequence").first()
        old = AuditEntry.objects.filter(sequence__gte=first_sequence)
        if first_young is not None:
            old = old.filter(sequence__lt=first_young.sequence)
        last = old.order_by("sequence").last()
        if last is None:
            return 0
        entries = AuditEntry.objects.filter(sequence__gte=first_sequence, sequence__lte=last.sequence).order_by("sequence")
        count = _write(out, entries, first_sequence, previous, last, key)
        verified = verify_archive(out)
        if not verified.ok or verified.checked != count:
            raise ArchiveRefused(_("The archive file did not verify: nothing removed."))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL kechuang.audit_archive = 'on'")
            AuditEntry.objects.filter(sequence__lte=last.sequence).delete()
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL kechuang.audit_archive = 'off'")
        mark = AuditArchiveMark(through_sequence=last.sequence, through_digest=last.digest,
                                archived_at=timezone.now(), file_name=str(out)[:500])
        mark.mac = audit_seal.mac_of(mark.sealed_text(), key)
        mark.save()
        append([PendingEntry(AuditAction.ARCHIVE, "core.auditentry", str(last.sequence), str(out)[:255],
                             {"sequences": [None, f"{first_sequence}-{last.sequence}"], "count": [None, count]})])
    return count


def _verify_database_chain() -> VerifyResult:
    from kechuang.core.audit import verify_chain

    return verify_chain()


def _write(out: Path, entries, first_sequence: int, previous: str, last, key) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(out, "w", encoding="utf-8") as handle:
        header = {"format": FORMAT, "first_sequence": first_sequence, "previous_digest": previous}
        handle.write(json.dumps(header, ensure_ascii=False) + "\n")
        for entry in entries.iterator(chunk_size=5000):
            row = {name: getattr(entry, name) for name in ENTRY_FIELDS}
            row["at"] = entry.at.isoformat()
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        trailer = {"last_sequence": last.sequence, "last_digest": last.digest, "count": count,
                   "mac": _stretch_mac(first_sequence, last.sequence, previous, last.digest, key)}
        handle.write(json.dumps(trailer, ensure_ascii=False) + "\n")
    return count


def verify_archive(path: Path) -> VerifyResult:
    """Check an archive file on its own: the chain inside it, every entry's MAC, and the trailer's MAC."""
    key = audit_seal.audit_key()
    with open(path, encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle if line.strip()]
    if len(lines) < 2 or lines[0].get("format") != FORMAT:
        return VerifyResult(False, 0, None, "not an archive")
    header, trailer, rows = lines[0], lines[-1], lines[1:-1]
    first, previous = int(header["first_sequence"]), str(header["previous_digest"])
    if first == 1 and previous != GENESIS_DIGEST:
        return VerifyResult(False, 0, 1, "altered")
    entries = (_ArchivedEntry(**{**row, "at": dt.datetime.fromisoformat(row["at"])}) for row in rows)
    failure, checked, last_digest = _walk(entries, previous, first, key)
    if failure is not None:
        return failure
    last = first + checked - 1
    expected = _stretch_mac(first, last, previous, last_digest, key)
    if (trailer.get("last_sequence"), trailer.get("last_digest")) != (last, last_digest) or not audit_seal.macs_equal(
        expected, trailer.get("mac", "")
    ):
        return VerifyResult(False, checked, last + 1, "missing")
    return VerifyResult(True, checked)
