"""The ledger: balances move only within 0 … limit, entries are append-only and audited, and concurrent
postings never overspend."""
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from kechuang.core import ledger
from kechuang.core.audit import verify_chain
from kechuang.core.models import AuditEntry
from kechuang.core.ledger import EntryKind, LedgerAccount, LedgerEntry, LedgerRefused, Posting


@pytest.fixture
def budget(db):
    return ledger.open_account("test.scheme:1", "测试预算", Decimal("100"))


def test_reserve_pay_release_refund_keep_sums_equal_to_entries(budget, officer):
    ledger.reserve(budget, Decimal("30"), "claim:1", officer)
    ledger.settle(budget, Decimal("30"), Decimal("25.5"), "claim:1", officer)
    ledger.reserve(budget, "40", "claim:2")
    ledger.release(budget, "40", "claim:2")
    ledger.refund(budget, "5.5", "claim:1", officer, note="追回")
    budget.refresh_from_db()
    assert (budget.reserved, budget.paid, budget.available) == (Decimal("0"), Decimal("20.00"), Decimal("80.00"))
    assert ledger.reserved_for("claim:1") == 0 and ledger.reserved_for("claim:2") == 0
    assert ledger.verify_balances() == []
    kinds = list(LedgerEntry.objects.filter(account=budget).values_list("kind", "amount"))
    assert kinds == [
        (EntryKind.RESERVE, Decimal("30.00")), (EntryKind.RELEASE, Decimal("30.00")), (EntryKind.PAY, Decimal("25.50")),
        (EntryKind.RESERVE, Decimal("40.00")), (EntryKind.RELEASE, Decimal("40.00")), (EntryKind.REFUND, Decimal("5.50")),
    ]
    assert AuditEntry.objects.filter(object_type="core.ledgerentry").count() == 6
    assert verify_chain().ok


def test_over_limit_is_refused_with_figures_and_nothing_written(budget):
    ledger.reserve(budget, "70", "claim:1")
    with pytest.raises(LedgerRefused) as refused:
        ledger.reserve(budget, "30.01", "claim:2")
    assert "30.01" in str(refused.value) and "100" in str(refused.value) and "30.00" in str(refused.value)
    with pytest.raises(LedgerRefused):
        ledger.pay(budget, "30.01", "claim:3")
    with pytest.raises(LedgerRefused):
        ledger.release(budget, "70.01", "claim:1")
    with pytest.raises(LedgerRefused):
        ledger.refund(budget, "0.01", "claim:1")
    budget.refresh_from_db()
    assert (budget.reserved, budget.paid) == (Decimal("70"), Decimal("0"))
    assert LedgerEntry.objects.count() == 1


def test_a_posting_over_several_accounts_lands_whole_or_not_at_all(budget):
    cap = ledger.open_account("test.scheme:1/enterprise:1", "企业上限", Decimal("20"))
    ledger.post([Posting(budget, EntryKind.RESERVE, "15"), Posting(cap, EntryKind.RESERVE, "15")], "claim:1")
    with pytest.raises(LedgerRefused) as refused:
        ledger.post([Posting(budget, EntryKind.RESERVE, "10"), Posting(cap, EntryKind.RESERVE, "10")], "claim:2")
    assert refused.value.account == cap
    budget.refresh_from_db()
    cap.refresh_from_db()
    assert budget.reserved == Decimal("15") and cap.reserved == Decimal("15")
    assert not LedgerEntry.objects.filter(reference="claim:2").exists()


def test_amounts_must_be_positive_and_limits_cannot_drop_below_commitments(budget):
    for amount in ("0", "-1"):
        with pytest.raises(ValidationError):
            ledger.reserve(budget, amount, "claim:1")
    ledger.pay(budget, "60", "milestone:1")
    with pytest.raises(LedgerRefused) as refused:
        ledger.set_limit(budget, "59.99")
    assert "60.00" in str(refused.value)
    ledger.set_limit(budget, "60")
    budget.refresh_from_db()
    assert budget.limit == Decimal("60") and budget.available == 0
    with pytest.raises(ValidationError):
        ledger.open_account("test.negative", "负预算", "-1")


def test_entries_are_append_only(budget):
    entry = ledger.reserve(budget, "10", "claim:1")
    entry.amount = Decimal("1")
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_database_constraints_stand_behind_the_postings(budget):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=budget.pk).update(paid=Decimal("100.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=budget.pk).update(reserved=Decimal("-0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=budget.pk).update(reserved=Decimal("60"), paid=Decimal("41"))


def test_tampered_sums_are_found(budget):
    ledger.reserve(budget, "10", "claim:1")
    LedgerAccount.objects.filter(pk=budget.pk).update(reserved=Decimal("9"))
    assert ledger.verify_balances() == [budget]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="threads share no in-memory SQLite test database; PostgreSQL runs it")
def test_concurrent_reservations_never_exceed_the_limit():
    account = ledger.open_account("test.race", "并发预算", Decimal("100"))
    amounts = [Decimal("7")] * 40  # 280 万元 asked of 100
    barrier = threading.Barrier(len(amounts))
    outcomes = []

    def take(amount, number):
        try:
            barrier.wait()
            ledger.reserve(account, amount, f"claim:{number}")
            outcomes.append("reserved")
        except LedgerRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(amount, n)) for n, amount in enumerate(amounts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    account.refresh_from_db()
    assert outcomes.count("reserved") == 14 and account.reserved == Decimal("98")
    assert ledger.verify_balances() == []


def test_a_whole_ledger_of_cents_verifies_although_the_database_adds_them_as_floats(budget):
    # 0.1 + 0.1 + 0.1 − 0.3 is 5.6e-17 in binary floating point, which is how SQLite sums decimals.
    for serial in range(3):
        ledger.reserve(budget, "0.1", f"claim:{serial}")
    ledger.release(budget, "0.3", "claim:all")
    for amount in ("54.53", "0.68", "12.24", "7.77"):
        ledger.reserve(budget, amount, "claim:pay")
        ledger.settle(budget, amount, amount, "claim:pay")
    budget.refresh_from_db()
    assert budget.reserved == Decimal("0") and budget.paid == Decimal("75.22")
    assert ledger.verify_balances() == []
    LedgerAccount.objects.filter(pk=budget.pk).update(paid=Decimal("75.21"))
    assert ledger.verify_balances() == [budget]
