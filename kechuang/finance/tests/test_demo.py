import io

import pytest
from django.core.management import call_command

from kechuang.carriers.choices import EventKind
from kechuang.carriers.models import Event
from kechuang.finance.choices import DemandState
from kechuang.finance.models import FinancingDemand


@pytest.mark.django_db
def test_the_demo_records_a_bank_matching_session_as_an_event_with_the_firms_waiting_for_finance():
    call_command("demo", enterprises=80, seed="finance", stdout=io.StringIO())
    session = Event.objects.get(kind=EventKind.BANK_MATCHING)
    waiting = set(FinancingDemand.objects.filter(state=DemandState.POSTED).values_list("enterprise_id", flat=True))
    registered = set(session.entries.values_list("enterprise_id", flat=True))
    assert registered and registered <= waiting
    assert session.investors.count() >= 1 and session.organiser is None
