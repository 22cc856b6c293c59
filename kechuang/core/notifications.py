"""Notifications: in-app notices and e-mail through an outbox.

`notify()` writes the notices and the outbox rows in the caller's transaction, so that a notice
exists exactly when what it reports was committed. `deliver()` (the `kechuang deliver` command,
run from cron) sends the outbox: it claims each row with a conditional UPDATE that changes exactly
one row, so two deliverers running at once never send the same e-mail; a failed send is released
with a later next attempt, and given up (and shown in the admin) after MAX_ATTEMPTS.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q

from kechuang.core import clock
from kechuang.core.models import Notification, OutboxEmail, User

# Waits after the 1st, 2nd, … failed attempt; the attempt after the last wait is the final one.
RETRY_DELAYS = (
    dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30),
    dt.timedelta(hours=2), dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claim this old belongs to a deliverer that died mid-run; its rows may be taken over.
CLAIM_TIMEOUT = dt.timedelta(minutes=15)


def _users(recipients) -> list[User]:
    if isinstance(recipients, User):
        return [recipients]
    return list(recipients)


def notify(recipients: User | Iterable[User], subject: str, body: str = "", url: str = "", email: bool = True,
           *, key: str = "") -> list[Notification]:
    """An in-app notice for each recipient and, with `email`, an outbox e-mail to each who has an
    address. With a `key`, a recipient who already had a notice with that key gets nothing new.
    Returns the notices written."""
    written = []
    with transaction.atomic():
        for user in _users(recipients):
            fields = {"text": subject[:300], "body": body, "url": url}
            if key:
                note, created = Notification.objects.get_or_create(user=user, key=key[:100], defaults=fields)
                if not created:
                    continue
            else:
                note = Notification.objects.create(user=user, **fields)
            written.append(note)
        if email:
            queue_email([note.user for note in written], subject, body)
    return written


def queue_email(recipients: User | Iterable[User], subject: str, body: str = "") -> list[OutboxEmail]:
    """Outbox e-mails (no in-app notice) to the recipients who have an address, e.g. a digest of
    notices written with `email=False`."""
    return OutboxEmail.objects.bulk_create(
        [OutboxEmail(user=user, to=user.email, subject=subject[:300], body=body)
         for user in _users(recipients) if user.email]
    )


def mark_read(user, notification_ids=None) -> int:
    notes = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        notes = notes.filter(pk__in=notification_ids)
    return notes.update(read_at=clock.now())


def unread_count(user) -> int:
    return Notification.objects.visible_to(user).unread().count()


@dataclass
class Delivery:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _claimable(moment: dt.datetime):
    return OutboxEmail.objects.due(moment).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=moment - CLAIM_TIMEOUT))


def _claim(pk: int, moment: dt.datetime) -> str | None:
    """Take one row for this deliverer, or None when another deliverer has it or it was sent meanwhile."""
    token = uuid.uuid4().hex
    claimed = _claimable(moment).filter(pk=pk).update(claimed_at=moment, claim_token=token)
    return token if claimed == 1 else None


def _release(message: OutboxEmail, token: str, error: Exception, moment: dt.datetime) -> bool:
    """Give a failed row back with its next attempt later; True when it was given up for good."""
    attempts = message.attempts + 1
    give_up = attempts >= MAX_ATTEMPTS
    OutboxEmail.objects.filter(pk=message.pk, claim_token=token).update(
        attempts=attempts, claimed_at=None, claim_token="", last_error=f"{type(error).__name__}: {error}"[:2000],
        failed_at=moment if give_up else None,
        next_attempt_at=moment if give_up else moment + RETRY_DELAYS[attempts - 1],
    )
    return give_up


def deliver(limit: int | None = None, connection=None) -> Delivery:
    """Send every outbox e-mail that is due, each once; returns how many were sent, put back for a
    later attempt, and given up."""
    moment = clock.now()
    due = _claimable(moment).only("pk", "to", "subject", "body", "attempts").order_by("created_at", "pk")
    result = Delivery()
    connection = connection or get_connection()
    # What a row says is read before it is claimed: a successful claim means no other deliverer has
    # touched it since (sent, failed and released rows are no longer due), so the copy is current.
    for message in list(due[:limit] if limit else due):
        token = _claim(message.pk, moment)
        if token is None:
            continue
        try:
            EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to],
                         connection=connection).send()
        except Exception as error:  # any failure of the mail server: the row goes back, nothing is lost
            if _release(message, token, error, clock.now()):
                result.failed += 1
            else:
                result.retried += 1
            continue
        OutboxEmail.objects.filter(pk=message.pk, claim_token=token).update(
            sent_at=clock.now(), attempts=message.attempts + 1, claimed_at=None, claim_token="", last_error=""
        )
        result.sent += 1
    return result
