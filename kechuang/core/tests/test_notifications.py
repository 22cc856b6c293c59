"""Notifications: in-app notices and an e-mail outbox that is sent once, retried on failure, never lost."""
import datetime as dt
import io
import smtplib
import threading

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from kechuang.core import notifications
from kechuang.core.models import Notification, OutboxEmail
from kechuang.core.notifications import MAX_ATTEMPTS, RETRY_DELAYS, deliver, notify

START = dt.datetime(2026, 7, 1, 1, 0, tzinfo=dt.timezone.utc)


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")


@pytest.fixture
def people(make_user):
    return [make_user("liaison", email="a@example.org"), make_user("liaison", email="b@example.org"), make_user("liaison")]


@pytest.mark.django_db
def test_notify_writes_notices_and_outbox_rows_with_the_callers_transaction(people):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(people, "报告被退回")
        raise RuntimeError("the caller's change failed")
    assert not Notification.objects.exists() and not OutboxEmail.objects.exists()

    notes = notify(people, "报告被退回", body="请补充材料", url="/plan/reports/1/")
    assert [n.user for n in notes] == people
    assert sorted(OutboxEmail.objects.values_list("to", flat=True)) == ["a@example.org", "b@example.org"]
    assert not mail.outbox  # nothing is sent inside the request
    assert notify(people[0], "只在站内", email=False)[0].text == "只在站内"
    assert OutboxEmail.objects.count() == 2


@pytest.mark.django_db
def test_a_key_reaches_each_user_once(people):
    assert len(notify(people[:2], "逾期", key="overdue:1:2021-Q2")) == 2
    assert notify(people, "逾期", key="overdue:1:2021-Q2") == [Notification.objects.get(user=people[2])]
    assert OutboxEmail.objects.count() == 2


@pytest.mark.django_db
def test_deliver_sends_each_due_email_once(people):
    notify(people, "提醒", body="正文")
    out = io.StringIO()
    call_command("deliver", stdout=out)
    assert "已发送 2 封" in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert mail.outbox[0].subject == "提醒" and mail.outbox[0].body == "正文"
    assert deliver().sent == 0 and len(mail.outbox) == 2
    assert OutboxEmail.objects.filter(sent_at__isnull=False, attempts=1).count() == 2


@pytest.mark.django_db
def test_a_failed_send_is_retried_later_and_given_up_after_max_attempts(people, freeze_clock):
    moment = freeze_clock(START)
    notify(people[0], "提醒")
    result = deliver(connection=FailingBackend())
    assert (result.sent, result.retried, result.failed) == (0, 1, 0)
    row = OutboxEmail.objects.get()
    assert row.attempts == 1 and row.sent_at is None and row.claimed_at is None
    assert row.next_attempt_at == moment + RETRY_DELAYS[0] and "SMTPServerDisconnected" in row.last_error

    assert deliver().sent == 0  # not due yet: the server is given time
    for attempt in range(2, MAX_ATTEMPTS):
        moment = freeze_clock(OutboxEmail.objects.get().next_attempt_at)
        assert deliver(connection=FailingBackend()).retried == 1
        assert OutboxEmail.objects.get().attempts == attempt
    freeze_clock(OutboxEmail.objects.get().next_attempt_at)
    assert deliver(connection=FailingBackend()).failed == 1
    row = OutboxEmail.objects.get()
    assert row.failed_at is not None and row.attempts == MAX_ATTEMPTS
    assert list(OutboxEmail.objects.failed()) == [row]
    assert deliver().sent == 0 and not mail.outbox  # given up: the administrator requeues it


@pytest.mark.django_db
def test_a_failed_send_goes_out_when_the_server_is_back(people, freeze_clock):
    freeze_clock(START)
    notify(people[0], "提醒")
    deliver(connection=FailingBackend())
    freeze_clock(START + RETRY_DELAYS[0])
    assert deliver().sent == 1 and mail.outbox[0].to == ["a@example.org"]
    assert OutboxEmail.objects.get().attempts == 2


@pytest.mark.django_db
def test_a_stale_claim_of_a_dead_deliverer_is_taken_over(people, freeze_clock):
    freeze_clock(START)
    notify(people[0], "提醒")
    OutboxEmail.objects.update(claimed_at=START, claim_token="dead")
    assert deliver().sent == 0
    freeze_clock(START + notifications.CLAIM_TIMEOUT + dt.timedelta(seconds=1))
    assert deliver().sent == 1


class SlowRecordingBackend(LocmemBackend):
    """Records every message it is given; waits a moment inside each send so that the two
    deliverers' runs overlap."""

    sent = []
    lock = threading.Lock()

    def send_messages(self, messages):
        threading.Event().wait(0.005)
        with self.lock:
            self.sent.extend(message.to[0] for message in messages)
        return len(messages)


def test_two_deliverers_at_once_send_each_email_exactly_once(django_db_setup, django_db_blocker):
    # The rows are committed for real so that both deliverers' connections see them, and removed at the
    # end; no flush of the test database (which would take the reference tables with it).
    with django_db_blocker.unblock():
        queued = OutboxEmail.objects.bulk_create(
            [OutboxEmail(to=f"race{i}@example.org", subject="提醒") for i in range(40)]
        )
        try:
            SlowRecordingBackend.sent = []
            start, results, errors = threading.Barrier(2), [], []

            def run():
                try:
                    start.wait()
                    results.append(deliver(connection=SlowRecordingBackend()))
                except Exception as error:  # reported below: a failing thread must fail the test
                    errors.append(error)
                finally:
                    connection.close()

            threads = [threading.Thread(target=run) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not errors
            assert sorted(SlowRecordingBackend.sent) == sorted(row.to for row in queued)
            assert sum(result.sent for result in results) == 40
            assert OutboxEmail.objects.filter(pk__in=[row.pk for row in queued]).pending().count() == 0
        finally:
            OutboxEmail.objects.filter(pk__in=[row.pk for row in queued]).delete()


@pytest.mark.django_db
def test_notifications_page_and_badge_live_in_core(client, people):
    notify(people[0], "报告被退回", url="/plan/")
    client.force_login(people[0])
    home = client.get(reverse("dashboards:home")).content.decode()
    assert reverse("core:notifications") in home and '<span class="badge bad">1</span>' in home
    page = client.get(reverse("core:notifications")).content.decode()
    assert "报告被退回" in page
    client.post(reverse("core:notifications"))
    assert not Notification.objects.unread().exists()
    client.force_login(people[1])
    assert "报告被退回" not in client.get(reverse("core:notifications")).content.decode()
