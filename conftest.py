"""Fixtures every app's tests share: users per role and enterprises with valid codes."""
import datetime as dt
import itertools

import pytest

from kechuang.registry.validators import uscc_check_char

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hash strength is not what the tests check; the default PBKDF2 work factor would dominate their time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def valid_uscc(serial: int, region: str = "120116") -> str:
    """A valid 统一社会信用代码: 91 (enterprise), 6-digit region, 9-character organisation code, check."""
    first17 = f"91{region}MA{serial:07d}"
    return first17 + uscc_check_char(first17)


@pytest.fixture(autouse=True)
def security_settings_for_tests(settings, tmp_path):
    # Demo and test users log in with a password alone (README, "Security"); the tests of the second
    # factor turn it on. Each test writes its own audit chain head, never the installation's.
    settings.KECHUANG_REQUIRE_OTP = False
    settings.KECHUANG_AUDIT_HEAD_FILE = str(tmp_path / "audit-head.json")


@pytest.fixture
def freeze_clock(monkeypatch):
    """Stops the clock at an aware moment on a host whose own time zone is UTC, the case where the
    host's date and the district's differ (00:00–08:00 Beijing time)."""
    import time

    from django.utils import timezone

    def freeze(moment: dt.datetime):
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    yield freeze
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def make_user(db, django_user_model):
    def make(role: str, username: str | None = None, **fields):
        username = username or f"{role}{next(_serial)}"
        return django_user_model.objects.create_user(username=username, password="Kc-test-pass-2022", role=role, **fields)

    return make


@pytest.fixture
def make_enterprise(db):
    from kechuang.registry.models import Enterprise

    def make(name: str | None = None, region_id: str = "120116406", **fields):
        serial = next(_serial)
        fields.setdefault("established", dt.date(2016, 4, 12))
        fields.setdefault("industry_id", "6513")
        fields.setdefault("high_tech_domain_id", "10")
        return Enterprise.objects.create(
            uscc=fields.pop("uscc", valid_uscc(serial)), name=name or f"测试企业{serial}", region_id=region_id, **fields
        )

    return make


@pytest.fixture
def officer(make_user):
    return make_user("officer")
