"""What anchors the audit chain outside the database, so that whoever can write the database still cannot
rewrite the trail unnoticed:

- a keyed MAC (HMAC-SHA256) over every entry's digest, with a key that is never stored in the database:
  `KECHUANG_AUDIT_KEY` from the environment, or else the file `KECHUANG_AUDIT_KEY_FILE` (default
  `<data dir>/audit.key`, created with mode 0600 on first use). Recomputing digests after changing an
  entry needs the key;
- the chain head (sequence, digest, MAC) written out after every committed append: to the file
  `KECHUANG_AUDIT_HEAD_FILE` (default `<data dir>/audit-head.json`) and, when `KECHUANG_AUDIT_SYSLOG` is
  set, to syslog (logger `kechuang.audit.head`). Deleting the newest entries, or the whole table, and
  moving the head row back is then told apart from a chain that never got longer.
"""
from __future__ import annotations

import fcntl
import functools
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

head_log = logging.getLogger("kechuang.audit.head")


@functools.lru_cache(maxsize=8)
def _key_from_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(os.urandom(32).hex())
    return path.read_text().strip().encode()


def audit_key() -> bytes:
    configured = settings.KECHUANG_AUDIT_KEY
    if configured:
        return configured.encode()
    return _key_from_file(Path(settings.KECHUANG_AUDIT_KEY_FILE))


def mac_of(message: str, key: bytes | None = None) -> str:
    return hmac.new(key or audit_key(), message.encode(), hashlib.sha256).hexdigest()


def entry_mac(digest: str, key: bytes | None = None) -> str:
    return mac_of(f"entry:{digest}", key)


def head_mac(sequence: int, digest: str, key: bytes | None = None) -> str:
    return mac_of(f"head:{sequence}:{digest}", key)


def macs_equal(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected, given or "")


@dataclass(frozen=True)
class Head:
    sequence: int
    digest: str
    mac: str

    def is_sealed(self, key: bytes | None = None) -> bool:
        return macs_equal(head_mac(self.sequence, self.digest, key), self.mac)


def head_file() -> Path:
    return Path(settings.KECHUANG_AUDIT_HEAD_FILE)


def read_head_file() -> Head | None:
    path = head_file()
    if not path.exists():
        return None
    data = json.loads(path.read_text() or "{}")
    return Head(int(data.get("sequence", 0)), str(data.get("digest", "")), str(data.get("mac", "")))


def publish_head(head: Head) -> None:
    """Write the head out (file, then syslog); a head older than the one already written is skipped, so
    concurrent commits finishing out of order never move the file back."""
    path = head_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = read_head_file()
        if current is not None and current.sequence >= head.sequence:
            return
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"sequence": head.sequence, "digest": head.digest, "mac": head.mac}))
        os.replace(temporary, path)
    head_log.info("audit head sequence=%s digest=%s mac=%s", head.sequence, head.digest, head.mac)
