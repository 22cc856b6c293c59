"""Money as a ledger: accounts with a limit (a budget, a support amount, a per-enterprise cap) and
append-only entries that reserve, release, pay or refund 万元 against them.

An account's `reserved` and `paid` are the running sums of its entries (`verify_balances()` recomputes
them from the entries). Every posting is one conditional UPDATE that moves the sums only if the result
stays within 0 ≤ reserved, 0 ≤ paid and reserved + paid ≤ limit; the database's check constraints stand
behind it. Concurrent postings on PostgreSQL wait on the account's row lock and re-check the condition;
SQLite serialises writers. Postings over several accounts lock them in id order, so two of them cannot
deadlock, and either all land or none does.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core.audit import lock_chain, record_created, record_updated, snapshot

CENT = Decimal("0.01")
ZERO = Decimal("0")


def to_money(value) -> Decimal:
    """万元 to the cent, rounded half up (as a finance office rounds)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class EntryKind(models.TextChoices):
    RESERVE = "reserve", gettext_lazy("Reserve")
    RELEASE = "release", gettext_lazy("Release")
    PAY = "pay", gettext_lazy("Pay")
    REFUND = "refund", gettext_lazy("Refund")


MONEY = {"max_digits": 16, "decimal_places": 2}


class LedgerAccountQuerySet(models.QuerySet):
    def with_entry_sums(self):
        """Annotate each account with reserved and paid as its entries add up."""

        def total(kind):
            return Coalesce(Sum("entries__amount", filter=Q(entries__kind=kind)), ZERO, output_field=models.DecimalField(**MONEY))

        return self.annotate(
            entries_reserved=total(EntryKind.RESERVE) - total(EntryKind.RELEASE),
            entries_paid=total(EntryKind.PAY) - total(EntryKind.REFUND),
        )


class LedgerAccount(models.Model):
    """Money that may be committed up to `limit`: `reserved` is promised, `paid` has left."""

    code = models.CharField(gettext_lazy("code"), max_length=160, unique=True)
    name = models.CharField(gettext_lazy("name"), max_length=200)
    limit = models.DecimalField(gettext_lazy("limit (10k yuan)"), **MONEY)
    reserved = models.DecimalField(gettext_lazy("reserved (10k yuan)"), default=ZERO, **MONEY)
    paid = models.DecimalField(gettext_lazy("paid (10k yuan)"), default=ZERO, **MONEY)
    opened_at = models.DateTimeField(gettext_lazy("opened at"), default=timezone.now)

    objects = LedgerAccountQuerySet.as_manager()

    class Meta:
        app_label = "core"
        ordering = ["code"]
        verbose_name = gettext_lazy("ledger account")
        verbose_name_plural = gettext_lazy("ledger accounts")
        constraints = [
            models.CheckConstraint(condition=Q(limit__gte=0), name="ledger_limit_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="ledger_reserved_not_negative"),
            models.CheckConstraint(condition=Q(paid__gte=0), name="ledger_paid_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("limit") - F("paid")), name="ledger_committed_within_limit"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def available(self) -> Decimal:
        return self.limit - self.reserved - self.paid


class LedgerEntry(models.Model):
    """One movement of money; entries are never changed or removed."""

    account = models.ForeignKey(LedgerAccount, verbose_name=gettext_lazy("account"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(gettext_lazy("kind"), max_length=10, choices=EntryKind.choices)
    amount = models.DecimalField(gettext_lazy("amount (10k yuan)"), **MONEY)
    at = models.DateTimeField(gettext_lazy("time"), default=timezone.now)
    reference = models.CharField(gettext_lazy("for"), max_length=160, blank=True)
    note = models.CharField(gettext_lazy("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        app_label = "core"
        ordering = ["account", "id"]
        verbose_name = gettext_lazy("ledger entry")
        verbose_name_plural = gettext_lazy("ledger entries")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_entry_amount_positive")]
        indexes = [models.Index(fields=["reference"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.reference}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Ledger entries are never changed; post a correcting entry instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Ledger entries are never removed; post a correcting entry instead."))


class LedgerRefused(ValidationError):
    """A posting that would take an account below zero or above its limit; nothing was written."""

    def __init__(self, message: str, account: LedgerAccount, amount: Decimal):
        super().__init__(message)
        self.account, self.amount = account, amount


@dataclass(frozen=True)
class Posting:
    account: LedgerAccount
    kind: str
    amount: Decimal


# kind -> (the update it makes, the condition the row must meet before it)
def _effect(kind: str, amount: Decimal) -> tuple[dict, Q]:
    if kind == EntryKind.RESERVE:
        return {"reserved": F("reserved") + amount}, Q(reserved__lte=F("limit") - F("paid") - amount)
    if kind == EntryKind.RELEASE:
        return {"reserved": F("reserved") - amount}, Q(reserved__gte=amount)
    if kind == EntryKind.PAY:
        return {"paid": F("paid") + amount}, Q(paid__lte=F("limit") - F("reserved") - amount)
    if kind == EntryKind.REFUND:
        return {"paid": F("paid") - amount}, Q(paid__gte=amount)
    raise ValueError(kind)


def _refusal(kind: str, account: LedgerAccount, amount: Decimal) -> LedgerRefused:
    figures = {
        "account": account.name, "amount": amount, "limit": account.limit, "reserved": account.reserved,
        "paid": account.paid, "available": account.available,
    }
    if kind in (EntryKind.RESERVE, EntryKind.PAY):
        text = _(
            "%(amount)s 万元 would exceed “%(account)s”: limit %(limit)s 万元, reserved %(reserved)s 万元, "
            "paid %(paid)s 万元, available %(available)s 万元."
        )
    elif kind == EntryKind.RELEASE:
        text = _("“%(account)s” has only %(reserved)s 万元 reserved; %(amount)s 万元 cannot be released.")
    else:
        text = _("“%(account)s” has paid only %(paid)s 万元; %(amount)s 万元 cannot be refunded.")
    return LedgerRefused(text % figures, account, amount)


def open_account(code: str, name: str, limit, by=None) -> LedgerAccount:
    """The account `code`, created with `limit` if it does not exist yet."""
    limit = to_money(limit)
    if limit < 0:
        raise ValidationError(_("A limit cannot be negative."))
    with transaction.atomic():
        lock_chain()
        account, created = LedgerAccount.objects.get_or_create(code=code, defaults={"name": name[:200], "limit": limit})
        if created:
            record_created(account)
    return account


def set_limit(account: LedgerAccount, limit, by=None) -> LedgerAccount:
    """Change a budget or a support amount; refused below what is already reserved and paid."""
    limit = to_money(limit)
    with transaction.atomic():
        lock_chain()
        before = snapshot(LedgerAccount.objects.get(pk=account.pk))
        if limit < 0 or LedgerAccount.objects.filter(pk=account.pk, reserved__lte=limit - F("paid")).update(limit=limit) != 1:
            account.refresh_from_db()
            raise LedgerRefused(
                _("“%(account)s” already has %(committed)s 万元 reserved or paid; the limit cannot go to %(limit)s 万元.")
                % {"account": account.name, "committed": account.reserved + account.paid, "limit": limit},
                account, limit,
            )
        account.refresh_from_db()
        record_updated(account, before)
    return account


def post(postings: Iterable[Posting], reference: str = "", by=None, note: str = "", at=None) -> list[LedgerEntry]:
    """Write `postings` as one all-or-nothing movement; raises LedgerRefused naming the first account
    that cannot take its posting, with its figures. `at` dates a movement recorded after the fact
    (an import, an opening balance); by default it is now."""
    postings = [Posting(p.account, p.kind, to_money(p.amount)) for p in postings]
    for posting in postings:
        if posting.amount <= 0:
            raise ValidationError(_("An amount must be above zero."))
    entries = []
    with transaction.atomic():
        lock_chain()
        for posting in sorted(postings, key=lambda p: p.account.pk):
            change, condition = _effect(posting.kind, posting.amount)
            if LedgerAccount.objects.filter(condition, pk=posting.account.pk).update(**change) != 1:
                posting.account.refresh_from_db()
                raise _refusal(posting.kind, posting.account, posting.amount)
            entry = LedgerEntry.objects.create(
                account=posting.account, kind=posting.kind, amount=posting.amount, reference=reference[:160],
                note=note[:300], by=by if getattr(by, "pk", None) else None, at=at or timezone.now(),
            )
            record_created(entry)
            entries.append(entry)
        for posting in postings:
            posting.account.refresh_from_db()
    return entries


def reserve(account, amount, reference="", by=None, note="", at=None) -> LedgerEntry:
    return post([Posting(account, EntryKind.RESERVE, amount)], reference, by, note, at)[0]


def release(account, amount, reference="", by=None, note="", at=None) -> LedgerEntry:
    return post([Posting(account, EntryKind.RELEASE, amount)], reference, by, note, at)[0]


def pay(account, amount, reference="", by=None, note="", at=None) -> LedgerEntry:
    return post([Posting(account, EntryKind.PAY, amount)], reference, by, note, at)[0]


def refund(account, amount, reference="", by=None, note="", at=None) -> LedgerEntry:
    return post([Posting(account, EntryKind.REFUND, amount)], reference, by, note, at)[0]


def settle(account, reserved, paid, reference="", by=None, note="") -> list[LedgerEntry]:
    """Turn a reservation into a payment: release what was reserved, pay what is due (at most the
    reservation, so the rest returns to the account)."""
    postings = [Posting(account, EntryKind.RELEASE, reserved)]
    if to_money(paid) > 0:
        postings.append(Posting(account, EntryKind.PAY, paid))
    with transaction.atomic():
        entries = [post([postings[0]], reference, by, note)[0]]
        if len(postings) > 1:
            entries.append(post([postings[1]], reference, by, note)[0])
    return entries


def reserved_for(reference: str, account: LedgerAccount | None = None) -> Decimal:
    """What is still reserved under `reference` (reservations less releases)."""
    rows = LedgerEntry.objects.filter(reference=reference)
    if account is not None:
        rows = rows.filter(account=account)
    sums = dict(rows.values_list("kind").annotate(total=Sum("amount")).values_list("kind", "total"))
    return sums.get(EntryKind.RESERVE, ZERO) - sums.get(EntryKind.RELEASE, ZERO)


def verify_balances(accounts=None) -> list[LedgerAccount]:
    """Accounts (all, a queryset or a list) whose stored sums differ from their entries (empty when the
    ledger is whole)."""
    if accounts is None:
        accounts = LedgerAccount.objects.all()
    elif not isinstance(accounts, models.QuerySet):
        accounts = LedgerAccount.objects.filter(pk__in=[a.pk for a in accounts])
    rows = accounts.with_entry_sums()
    # SQLite adds decimals as binary floats (54.5299999999996): the entries agree when they agree to the cent.
    return [a for a in rows if to_money(a.entries_reserved) != a.reserved or to_money(a.entries_paid) != a.paid]
