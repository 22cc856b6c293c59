"""`kechuang demo`: same inputs give the same district, one login per role, and a registry that already
holds data is never added to twice."""
import hashlib
import io
from datetime import date

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models, transaction

from kechuang.core.choices import Role
from kechuang.core.demo import DEMO_PASSWORD
from kechuang.core.models import AuditChainHead, AuditEntry, HighTechDomain, Industry, IPKind, Region, User
from kechuang.dashboards.management.commands.demo import build_demo
from kechuang.registry import demo as registry_demo
from kechuang.registry.models import Enterprise

N = 60
# Reference tables come from migrations, and the audit log records when it was written.
SKIPPED = (Region, Industry, HighTechDomain, IPKind, AuditEntry, AuditChainHead)


def _natural(value):
    """A related row by what it is (its text), not by its id: ids differ between runs on PostgreSQL."""
    return str(value) if isinstance(value, models.Model) else repr(value)


def district_digest() -> str:
    """SHA-256 over every row of every Kechuang model, without ids and write timestamps."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if not model.__module__.startswith("kechuang.") or model in SKIPPED:
            continue
        fields = [f for f in model._meta.concrete_fields if not f.primary_key and not isinstance(f, models.DateTimeField)]
        many = [f.name for f in model._meta.many_to_many]
        rows = []
        related = [f.name for f in fields if f.is_relation]
        for row in model.objects.select_related(*related).prefetch_related(*many):
            values = [f"{f.name}={_natural(getattr(row, f.name))}" for f in fields]
            values += [f"{name}={sorted(map(str, getattr(row, name).all()))}" for name in many]
            rows.append("|".join(values))
        digest.update(model._meta.label.encode())
        for line in sorted(rows):
            digest.update(line.encode())
    return digest.hexdigest()


def build_and_digest(seed: str) -> str:
    """Build inside a savepoint, fingerprint it, and roll it back so the next build starts empty."""
    with transaction.atomic():
        build_demo(N, seed, date(2026, 6, 30), io.StringIO())
        result = district_digest()
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_same_seed_same_district_other_seed_other_district():
    first = build_and_digest("7")
    assert build_and_digest("7") == first
    assert build_and_digest("8") != first


@pytest.mark.django_db
def test_one_login_per_role_and_no_superuser():
    call_command("demo", enterprises=N, seed="1", if_empty=True, stdout=io.StringIO())  # what scripts/serve runs
    assert Enterprise.objects.count() == N
    out = io.StringIO()
    call_command("demo", enterprises=N, seed="2", if_empty=True, stdout=out)
    assert Enterprise.objects.count() == N
    users = {user.role: user for user in User.objects.all()}
    assert set(users) == set(Role.values)
    assert not User.objects.filter(is_superuser=True).exists()
    staff = {role for role, user in users.items() if user.is_staff}
    assert staff >= {Role.OFFICER, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}
    assert not staff & {Role.ENTERPRISE, Role.INSTITUTION, Role.PROVIDER, Role.LIAISON}
    assert users[Role.ENTERPRISE].check_password(DEMO_PASSWORD)
    text = out.getvalue()
    assert DEMO_PASSWORD in text and all(user.username in text for user in users.values())


@pytest.mark.django_db
def test_refuses_a_registry_that_holds_enterprises(make_enterprise):
    make_enterprise()
    with pytest.raises(CommandError):
        call_command("demo", enterprises=N, stdout=io.StringIO())
    call_command("demo", enterprises=N, if_empty=True, stdout=io.StringIO())
    assert Enterprise.objects.count() == 1 and not User.objects.exists()


@pytest.mark.django_db
def test_force_adds_the_demo_once(make_enterprise):
    existing = make_enterprise()
    call_command("demo", enterprises=N, force=True, stdout=io.StringIO())
    assert Enterprise.objects.count() == N + 1
    with pytest.raises(CommandError):
        call_command("demo", enterprises=N, seed="other", force=True, stdout=io.StringIO())
    assert Enterprise.objects.count() == N + 1
    assert Enterprise.objects.get(pk=existing.pk).name == existing.name


@pytest.mark.django_db
def test_a_failure_anywhere_leaves_nothing_behind(monkeypatch):
    def broken(context):
        raise RuntimeError("registry demo failed")

    monkeypatch.setattr(registry_demo, "populate", broken)
    with pytest.raises(RuntimeError):
        call_command("demo", enterprises=N, stdout=io.StringIO())
    assert not User.objects.exists() and not AuditEntry.objects.exists()
