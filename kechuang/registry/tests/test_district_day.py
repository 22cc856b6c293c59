"""Between 00:00 and 08:00 Beijing time a UTC host's date is still yesterday. Every page and query
that decides whether a certificate is valid takes the district's date, so they all agree."""
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from kechuang.core import clock
from kechuang.registry.choices import CertificateKind
from kechuang.registry.models import Certificate
from kechuang.registry.tables import expiry_state

EVENING_UTC = dt.datetime(2026, 6, 30, 17, 30, tzinfo=dt.timezone.utc)  # 01:30 on 1 July in Beijing
LAST_DAY = dt.date(2026, 6, 30)


@pytest.fixture
def holder(make_enterprise, freeze_clock, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    freeze_clock(EVENING_UTC)
    firm = make_enterprise("到期企业")
    Certificate.objects.create(enterprise=firm, kind=CertificateKind.HNTE, number="GR202312000001",
                               issued=dt.date(2023, 6, 30), expires=LAST_DAY)
    return firm


@pytest.mark.django_db
def test_a_certificate_whose_last_day_was_yesterday_is_expired_everywhere(client, officer, holder):
    assert clock.today() == dt.date(2026, 7, 1)
    assert not Certificate.objects.valid_on(clock.today()).exists()
    assert expiry_state(LAST_DAY) == "bad"

    client.force_login(officer)
    detail = client.get(reverse("registry:enterprise", args=[holder.uscc])).content.decode()
    assert '<span class="badge bad">' in detail.split("GR202312000001", 1)[1].split("</tr>", 1)[0]

    listing = client.get(reverse("registry:certificates")).content.decode()
    row = listing.split("GR202312000001", 1)[1].split("</tr>", 1)[0]
    assert "已过期" in row or "expired" in row

    holders = client.get(reverse("registry:enterprises"), {"certificate": CertificateKind.HNTE}).content.decode()
    assert "到期企业" not in holders

    out = io.StringIO()
    call_command("alerts", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["as_of"] == "2026-07-01"
    assert not [a for a in report["alerts"] if a["kind"] == "certificate_expiring"]


@pytest.mark.django_db
def test_the_same_certificate_is_still_valid_on_its_last_day(client, officer, holder, freeze_clock):
    freeze_clock(EVENING_UTC - dt.timedelta(hours=10))  # 15:30 on 30 June in Beijing
    assert clock.today() == LAST_DAY
    assert Certificate.objects.valid_on(clock.today()).count() == 1
    client.force_login(officer)
    holders = client.get(reverse("registry:enterprises"), {"certificate": CertificateKind.HNTE}).content.decode()
    assert "到期企业" in holders
