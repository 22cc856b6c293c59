"""Encryption at rest of identity numbers and phones (个人信息保护法 第二十八条: 特定身份 information is
sensitive and needs 严格保护措施).

The key never lives in the database: `KECHUANG_TALENT_KEY` from the environment, or else the file
`KECHUANG_TALENT_KEY_FILE` (default `<data dir>/talent.key`, created with mode 0600 on first use, as the
audit key is). Two keys are derived from it: one for Fernet (AES-128-CBC + HMAC-SHA256, a random IV
per value, so equal numbers give unequal ciphertexts) and one for the blind index, an HMAC-SHA256 of
the number that lets the database find a person and keep numbers unique without holding the number.
Whoever has a copy of the database but not the key learns neither.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kechuang.core.audit_seal import _key_from_file
from kechuang.env import env_str


def master_key() -> bytes:
    configured = getattr(settings, "KECHUANG_TALENT_KEY", None) or env_str("KECHUANG_TALENT_KEY", "")
    if configured:
        return configured.encode()
    path = getattr(settings, "KECHUANG_TALENT_KEY_FILE", None) or env_str(
        "KECHUANG_TALENT_KEY_FILE", str(Path(settings.DATA_DIR) / "talent.key")
    )
    return _key_from_file(Path(path))


def _derived(purpose: bytes) -> bytes:
    return hmac.new(master_key(), purpose, hashlib.sha256).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derived(b"kechuang.talent:fernet")))


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def encrypt_reproducibly(plaintext: str, iv: bytes, at: int) -> str:
    """The demo district's ciphertexts: the same seed must build the same rows, so the IV comes from the
    demo's seeded generator and the timestamp from its as-of date. Real records use `encrypt` (a fresh
    random IV each time)."""
    return _fernet()._encrypt_from_parts(plaintext.encode(), at, iv).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured("个人信息密钥与加密数据不匹配（KECHUANG_TALENT_KEY 或密钥文件已更换？）") from None


def blind_index(kind: str, plaintext: str) -> str:
    """The same number always gives the same index under one key; the index does not give the number."""
    return hmac.new(_derived(b"kechuang.talent:index"), f"{kind}:{plaintext}".encode(), hashlib.sha256).hexdigest()
