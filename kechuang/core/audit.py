"""The audit trail: an append-only, hash-chained log of every audited change, of logins and of security acts.

Each entry's digest is the SHA-256 of its content and the previous entry's digest, so altering or
removing any entry breaks every digest after it; each digest also carries a keyed MAC and the chain head
is written outside the database (`kechuang.core.audit_seal`), so recomputing the digests or truncating the
chain is found too. `kechuang audit verify` names the first point of disagreement.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import functools
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable

from django.db import models, transaction
from django.utils import timezone

from kechuang.core import audit_seal
from kechuang.core.choices import AuditAction

GENESIS_DIGEST = "0" * 64


@dataclass(frozen=True)
class Actor:
    name: str = ""
    address: str = ""
    # The account acting, when there is one: privileged acts are checked against it.
    user: object = field(default=None, compare=False)
    # Who ran a `kechuang` command (`--as USER`, else the OS account): a command's own label
    # (`acting_as("import")`) never replaces them.
    pinned: bool = field(default=False, compare=False)


# Either an Actor, or a callable that resolves one when an entry is written: a request's user is only
# known once authentication has run, which for an API token is inside the view, after every middleware.
_current_actor: contextvars.ContextVar[Actor | Callable[[], Actor]] = contextvars.ContextVar(
    "kechuang_actor", default=Actor("system")
)


@contextmanager
def acting_as(name: str, address: str = "", user=None):
    """Attribute every audit entry written inside the block to `name` at `address`."""
    current = _current_actor.get()
    if isinstance(current, Actor) and current.pinned:
        yield
        return
    token = _current_actor.set(Actor(name, address, user))
    try:
        yield
    finally:
        _current_actor.reset(token)


def current_actor() -> Actor:
    source = _current_actor.get()
    return source() if callable(source) else source


def set_actor(name: str | Actor | Callable[[], Actor], address: str = "", user=None) -> contextvars.Token:
    if isinstance(name, str):
        name = Actor(name, address, user)
    return _current_actor.set(name)


def reset_actor(token: contextvars.Token) -> None:
    _current_actor.reset(token)


def acting_user():
    """The account on whose behalf the code runs (a request's user, `--as USER`), or None."""
    user = current_actor().user
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _storable(value):
    """`value` with NUL characters written as their escape: PostgreSQL keeps no NUL in text or JSON, and
    an odd character in a logged value must never stop the write it records."""
    if isinstance(value, str):
        return value.replace("\x00", "\\x00")
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_storable(item) for item in value]
    return value


_SIMPLE = frozenset((str, int, float, bool, type(None)))


def _plain(value):
    if type(value) in _SIMPLE:  # most values: asked first, before the isinstance chain
        return value
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


@functools.cache
def _snapshot_fields(model) -> tuple:
    """(field, attname) of each concrete field of `model` a snapshot holds: read once per model, as a
    bulk writer snapshots hundreds of thousands of rows."""
    excluded = getattr(model, "audit_exclude", ())
    return tuple((field, field.attname) for field in model._meta.concrete_fields if field.attname not in excluded)


def snapshot(instance: models.Model) -> dict:
    """The instance's concrete field values as JSON-safe data (foreign keys by id)."""
    return {
        attname: _plain(_stored(field, field.value_from_object(instance)))
        for field, attname in _snapshot_fields(type(instance))
    }


def diff(before: dict | None, after: dict | None) -> dict:
    """{field: [before, after]} for the fields that differ."""
    if not before:  # a creation: every field set
        return {key: [None, value] for key, value in sorted((after or {}).items()) if value is not None}
    after = after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _digest_payload(fields: dict, previous_digest: str) -> str:
    return json.dumps({**fields, "previous_digest": previous_digest}, sort_keys=True, ensure_ascii=False)


def entry_digest(fields: dict, previous_digest: str) -> str:
    return hashlib.sha256(_digest_payload(fields, previous_digest).encode("utf-8")).hexdigest()


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


def _chain_models():
    """The chain's models, looked up in the app registry: core.models imports the audited ledger, so
    importing core.models from here would close an import cycle."""
    from django.apps import apps

    return apps.get_model("core", "AuditChainHead"), apps.get_model("core", "AuditEntry")


def lock_chain() -> None:
    """Take the chain's lock now, before the transaction locks any other row. Every audited write ends by
    locking the chain head, so a transaction that locked, say, a ledger account first could wait on the
    head while the head's holder waits on that account; taking the head first orders every writer the
    same way (PostgreSQL; SQLite has one writer at a time anyway)."""
    AuditChainHead, _entry = _chain_models()
    AuditChainHead.objects.select_for_update().get_or_create(pk=1)


def _entry_fields(sequence: int, at: str, actor: Actor, item: PendingEntry, storable) -> dict:
    """The digested fields of one entry (`_digest_fields` of the entry it becomes), each value passed
    through `storable` before it is cut to its column's length."""
    return {
        "sequence": sequence,
        "at": at,
        "actor": storable(actor.name)[:150],
        "address": actor.address[:64],
        "action": item.action,
        "object_type": item.object_type,
        "object_id": storable(str(item.object_id))[:64],
        "object_repr": storable(str(item.object_repr))[:255],
        "changes": storable(item.changes or {}),
    }


def bump_versions(object_types: Iterable[str]) -> None:
    """One more write to each of these tables, counted in the writing transaction: the versions stored
    figures (kechuang.core.storedfigures) compare to know whether what they counted has changed."""
    from django.apps import apps
    from django.db import connection

    table = connection.ops.quote_name(apps.get_model("core", "TableVersion")._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (object_type, version) VALUES (%s, 1) "
            f"ON CONFLICT (object_type) DO UPDATE SET version = {table}.version + 1",
            [(object_type,) for object_type in sorted(set(object_types))],
        )


def append(pending: Iterable[PendingEntry], actor: Actor | None = None) -> int:
    """Append entries to the chain in one transaction; returns how many were written.

    Written with one executemany per batch rather than through model instances: a demo district or an
    import appends hundreds of thousands of entries, and building and compiling an ORM row per entry
    cost more than the digests themselves."""
    from django.db import connection

    AuditChainHead, AuditEntry = _chain_models()

    pending = list(pending)
    if not pending:
        return 0
    actor = actor or current_actor()
    key = audit_seal.audit_key()
    now = timezone.now()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # what every database stores exactly
    at = now.isoformat()
    meta = AuditEntry._meta
    columns = [f for f in meta.concrete_fields if not f.primary_key]
    at_value = meta.get_field("at").get_db_prep_save(now, connection)
    changes_field = meta.get_field("changes")
    insert = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} "
        f"({', '.join(connection.ops.quote_name(f.column) for f in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        sequence, previous = head.sequence, head.digest
        rows = []
        for item in pending:
            sequence += 1
            fields = _entry_fields(sequence, at, actor, item, storable=lambda value: value)
            payload = _digest_payload(fields, previous)
            if "\\u0000" in payload:  # a NUL somewhere (JSON always escapes it): store and digest it escaped
                fields = _entry_fields(sequence, at, actor, item, storable=_storable)
                payload = _digest_payload(fields, previous)
            digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
            values = {**fields, "at": at_value, "changes": changes_field.get_db_prep_save(fields["changes"], connection),
                      "previous_digest": previous, "digest": digest, "mac": audit_seal.entry_mac(digest, key)}
            rows.append([values[f.attname] for f in columns])
            previous = digest
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 2000):
                cursor.executemany(insert, rows[start:start + 2000])
        # Every write the chain records makes the figures stored from the written tables stale.
        bump_versions({item.object_type for item in pending})
        head.sequence, head.digest, head.mac = sequence, previous, audit_seal.head_mac(sequence, previous, key)
        head.save(update_fields=["sequence", "digest", "mac"])
        published = audit_seal.Head(head.sequence, head.digest, head.mac)
        transaction.on_commit(lambda: audit_seal.publish_head(published))
    return len(rows)


def object_type_of(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def pending_change(instance: models.Model, action: str, before: dict | None, after: dict | None) -> PendingEntry:
    return PendingEntry(action, object_type_of(type(instance)), str(instance.pk), str(instance), diff(before, after))


def record_change(instance: models.Model, action: str, before: dict | None, after: dict | None) -> None:
    append([pending_change(instance, action, before, after)])


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


def record_all_created(instances: Iterable[models.Model]) -> int:
    """Chain the creation of many rows (after a bulk_create) in one append."""
    return append(pending_change(instance, AuditAction.CREATE, None, snapshot(instance)) for instance in instances)


def record_all_updated(instances: Iterable[models.Model], before: dict) -> int:
    """Chain a bulk update: `before` maps each row's pk to its `snapshot()` taken earlier."""
    return append(
        pending_change(instance, AuditAction.UPDATE, before[instance.pk], after)
        for instance in instances
        if (after := snapshot(instance)) != before[instance.pk]
    )


def record_bulk(model, changes: Iterable[tuple[str, str, str, dict | None, dict | None]]) -> int:
    """Audit a bulk write: `changes` yields (action, object_id, object_repr, before, after)."""
    object_type = object_type_of(model)
    return append(
        PendingEntry(action, object_type, object_id, object_repr, diff(before, after))
        for action, object_id, object_repr, before, after in changes
    )


_installing: contextvars.ContextVar[bool] = contextvars.ContextVar("kechuang_installing", default=False)


@contextmanager
def installing():
    """What `migrate` installs (the seed plan, the shipped rule sets, like the reference tables) is part of
    the release, as the code is, not anyone's act: AuditedModel writes inside the block are not chained.
    Only post_migrate handlers use it; the same data loaded by a command later is chained."""
    token = _installing.set(True)
    try:
        yield
    finally:
        _installing.reset(token)


class AuditedModel(models.Model):
    """Writes an audit entry for every create, update and delete made through the model."""

    audit_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if _installing.get():
            return super().save(*args, **kwargs)
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
        if _installing.get():
            return super().delete(*args, **kwargs)
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
    # What the chain was checked against besides itself ("" when the head file is absent).
    anchored_by: str = ""


def _walk(entries, previous: str, first_sequence: int, key: bytes):
    """Check `entries` (in sequence order) as a stretch of the chain that starts after `previous`;
    returns (VerifyResult-or-None, number checked, last digest)."""
    expected_sequence, checked = first_sequence, 0
    for entry in entries:
        if entry.sequence != expected_sequence:
            return VerifyResult(False, checked, expected_sequence, "missing"), checked, previous
        if entry.previous_digest != previous or entry_digest(_digest_fields(entry), previous) != entry.digest:
            return VerifyResult(False, checked, entry.sequence, "altered"), checked, previous
        if not audit_seal.macs_equal(audit_seal.entry_mac(entry.digest, key), entry.mac):
            return VerifyResult(False, checked, entry.sequence, "forged"), checked, previous
        previous = entry.digest
        expected_sequence += 1
        checked += 1
    return None, checked, previous


def chain_start(key: bytes | None = None) -> tuple[int, str]:
    """Where the chain kept in the database starts: after the newest archive mark whose MAC holds."""
    from django.apps import apps

    AuditArchiveMark = apps.get_model("core", "AuditArchiveMark")

    mark = AuditArchiveMark.objects.order_by("-through_sequence").first()
    if mark is None:
        return 1, GENESIS_DIGEST
    if not audit_seal.macs_equal(audit_seal.mac_of(mark.sealed_text(), key), mark.mac):
        raise ValueError(f"archive mark through #{mark.through_sequence} does not carry a valid MAC")
    return mark.through_sequence + 1, mark.through_digest


def verify_chain() -> VerifyResult:
    """Walk the chain in order; report the first entry that was altered, inserted, forged or removed,
    checking the head row and the head written outside the database."""
    AuditChainHead, AuditEntry = _chain_models()

    key = audit_seal.audit_key()
    try:
        first_sequence, previous = chain_start(key)
    except ValueError:
        return VerifyResult(False, 0, 1, "forged")
    entries = AuditEntry.objects.filter(sequence__gte=first_sequence).order_by("sequence")
    failure, checked, previous = _walk(entries.iterator(chunk_size=5000), previous, first_sequence, key)
    if failure is not None:
        return failure
    last_sequence = first_sequence + checked - 1
    outside = audit_seal.read_head_file()
    anchored_by = str(audit_seal.head_file()) if outside is not None else ""
    if outside is not None:
        if not outside.is_sealed(key):
            return VerifyResult(False, checked, outside.sequence, "forged", anchored_by)
        if outside.sequence > last_sequence:
            return VerifyResult(False, checked, max(last_sequence + 1, first_sequence), "missing", anchored_by)
        if outside.sequence >= first_sequence:
            recorded = AuditEntry.objects.filter(sequence=outside.sequence).values_list("digest", flat=True).first()
            if recorded != outside.digest:
                return VerifyResult(False, checked, outside.sequence, "altered", anchored_by)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        if head.sequence != last_sequence or head.digest != previous:
            return VerifyResult(False, checked, last_sequence + 1, "missing", anchored_by)
        if head.sequence and not audit_seal.Head(head.sequence, head.digest, head.mac).is_sealed(key):
            return VerifyResult(False, checked, head.sequence, "forged", anchored_by)
    return VerifyResult(True, checked, anchored_by=anchored_by)
