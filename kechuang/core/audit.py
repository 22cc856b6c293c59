"""The audit trail: an append-only, hash-chained log of registry changes and of logins.

Each entry's digest is the SHA-256 of its content and the previous entry's digest, so altering or
removing any entry breaks every digest after it; `kechuang audit verify` finds the first break.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable

from django.db import models, transaction
from django.utils import timezone

from kechuang.core.choices import AuditAction

GENESIS_DIGEST = "0" * 64


@dataclass(frozen=True)
class Actor:
    name: str = ""
    address: str = ""


_current_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("kechuang_actor", default=Actor("system"))


@contextmanager
def acting_as(name: str, address: str = ""):
    """Attribute every audit entry written inside the block to `name` at `address`."""
    token = _current_actor.set(Actor(name, address))
    try:
        yield
    finally:
        _current_actor.reset(token)


def current_actor() -> Actor:
    return _current_actor.get()


def set_actor(name: str, address: str = "") -> contextvars.Token:
    return _current_actor.set(Actor(name, address))


def reset_actor(token: contextvars.Token) -> None:
    _current_actor.reset(token)


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _stored(field, value):
    """The value as the database keeps it: a decimal rounded to the column's places."""
    if isinstance(field, models.DecimalField) and isinstance(value, (decimal.Decimal, float, int)):
        return decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
    return value


def snapshot(instance: models.Model) -> dict:
    """The instance's concrete field values as JSON-safe data (foreign keys by id)."""
    return {
        field.attname: _plain(_stored(field, field.value_from_object(instance)))
        for field in instance._meta.concrete_fields
        if field.attname not in getattr(instance, "audit_exclude", ())
    }


def diff(before: dict | None, after: dict | None) -> dict:
    """{field: [before, after]} for the fields that differ."""
    before, after = before or {}, after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def entry_digest(fields: dict, previous_digest: str) -> str:
    payload = json.dumps({**fields, "previous_digest": previous_digest}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _digest_fields(entry) -> dict:
    return {
        "sequence": entry.sequence,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "address": entry.address,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
    }


@dataclass
class PendingEntry:
    action: str
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    changes: dict | None = None


def lock_chain() -> None:
    """Take the chain's lock now, before the transaction locks any other row. Every audited write ends by
    locking the chain head, so a transaction that locked, say, a ledger account first could wait on the
    head while the head's holder waits on that account; taking the head first orders every writer the
    same way (PostgreSQL; SQLite has one writer at a time anyway)."""
    from kechuang.core.models import AuditChainHead

    AuditChainHead.objects.select_for_update().get_or_create(pk=1)


def append(pending: Iterable[PendingEntry], actor: Actor | None = None) -> int:
    """Append entries to the chain in one transaction; returns how many were written."""
    from kechuang.core.models import AuditChainHead, AuditEntry

    pending = list(pending)
    if not pending:
        return 0
    actor = actor or current_actor()
    now = timezone.now()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # what every database stores exactly
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        sequence, previous = head.sequence, head.digest
        rows = []
        for item in pending:
            sequence += 1
            entry = AuditEntry(
                sequence=sequence,
                at=now,
                actor=actor.name[:150],
                address=actor.address[:64],
                action=item.action,
                object_type=item.object_type,
                object_id=str(item.object_id)[:64],
                object_repr=str(item.object_repr)[:255],
                changes=item.changes or {},
                previous_digest=previous,
            )
            entry.digest = entry_digest(_digest_fields(entry), previous)
            previous = entry.digest
            rows.append(entry)
        AuditEntry.objects.bulk_create(rows, batch_size=2000)
        head.sequence, head.digest = sequence, previous
        head.save(update_fields=["sequence", "digest"])
    return len(rows)


def object_type_of(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def record_change(instance: models.Model, action: str, before: dict | None, after: dict | None) -> None:
    append([PendingEntry(action, object_type_of(type(instance)), str(instance.pk), str(instance), diff(before, after))])


def record_created(instance: models.Model) -> None:
    record_change(instance, AuditAction.CREATE, None, snapshot(instance))


def record_updated(instance: models.Model, before: dict) -> None:
    """Chain the difference between `before` (a `snapshot()` taken earlier) and the instance now."""
    after = snapshot(instance)
    if before != after:
        record_change(instance, AuditAction.UPDATE, before, after)


def record_deleted(instance: models.Model, before: dict | None = None) -> None:
    """Chain a deletion; call it before the row goes, or pass the snapshot taken before."""
    record_change(instance, AuditAction.DELETE, before if before is not None else snapshot(instance), None)


def record_bulk(model, changes: Iterable[tuple[str, str, str, dict | None, dict | None]]) -> int:
    """Audit a bulk write: `changes` yields (action, object_id, object_repr, before, after)."""
    object_type = object_type_of(model)
    return append(
        PendingEntry(action, object_type, object_id, object_repr, diff(before, after))
        for action, object_id, object_repr, before, after in changes
    )


class AuditedModel(models.Model):
    """Writes an audit entry for every create, update and delete made through the model."""

    audit_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            before = None
            if self.pk is not None:
                stored = type(self)._base_manager.filter(pk=self.pk).first()
                before = snapshot(stored) if stored is not None else None
            super().save(*args, **kwargs)
            after = snapshot(self)
            if before != after:
                record_change(self, AuditAction.UPDATE if before is not None else AuditAction.CREATE, before, after)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            before, pk, text = snapshot(self), self.pk, str(self)
            result = super().delete(*args, **kwargs)
            append([PendingEntry(AuditAction.DELETE, object_type_of(type(self)), str(pk), text, diff(before, None))])
        return result


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_sequence: int | None = None
    reason: str = ""


def verify_chain() -> VerifyResult:
    """Walk the chain in order; report the first entry that was altered, inserted or removed."""
    from kechuang.core.models import AuditChainHead, AuditEntry

    previous = GENESIS_DIGEST
    expected_sequence = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=5000):
        if entry.sequence != expected_sequence:
            return VerifyResult(False, checked, expected_sequence, "missing")
        if entry.previous_digest != previous or entry_digest(_digest_fields(entry), previous) != entry.digest:
            return VerifyResult(False, checked, entry.sequence, "altered")
        previous = entry.digest
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence != checked or head.digest != previous):
        return VerifyResult(False, checked, checked + 1, "missing")
    return VerifyResult(True, checked)
