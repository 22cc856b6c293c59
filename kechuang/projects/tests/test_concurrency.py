"""The same milestone paid twice at once is paid once (PostgreSQL: row locks)."""
import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kechuang.core import clock
from kechuang.core.ledger import LedgerEntry, verify_balances
from kechuang.projects import services


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers on the whole file; row locks need PostgreSQL")
def test_a_milestone_paid_twice_at_once_is_paid_once(call, firm, make_application, officer_user):
    application = make_application(call, firm)
    services.formal_review(application, officer_user, "complete")
    services.close_call(call, officer_user)
    services.decide(application, officer_user, True, 100)
    services.publicise(call, officer_user, on=clock.today() - dt.timedelta(days=10))
    project = services.conclude_publicity(call, officer_user, on=clock.today() - dt.timedelta(days=1))[0]
    services.sign_contract(project, officer_user, "样机", [("patents", "发明专利", 1)])
    first = project.milestones.get(order=1)
    copies = [type(first).objects.get(pk=first.pk) for _ in range(4)]
    barrier, outcomes = threading.Barrier(len(copies)), []

    def pay(milestone):
        try:
            barrier.wait()
            services.pay_milestone(milestone, officer_user)
            outcomes.append("paid")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(m,)) for m in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    project.account.refresh_from_db()
    assert outcomes.count("paid") == 1 and project.account.paid == 40
    assert LedgerEntry.objects.filter(account=project.account).count() == 1 and verify_balances() == []
