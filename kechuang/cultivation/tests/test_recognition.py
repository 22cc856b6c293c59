"""认定: a certificate recorded in the registry recognises the enrollment it matches, by hand or on refresh."""
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from kechuang.cultivation import services
from kechuang.cultivation.choices import ActionKind, Stage, Tier

D = dt.date


def test_refresh_recognises_enrolled_enterprises_with_a_new_certificate(enrolled, certificate, officer):
    first, second, third = enrolled(3)
    services.log_action([second], ActionKind.VISIT, D(2022, 4, 1), "", officer)
    issued = certificate(first.enterprise)
    certificate(second.enterprise, issued=D(2022, 11, 20))
    certificate(third.enterprise, kind=Tier.TSME)  # another tier's certificate recognises nothing here

    recognised = services.detect_recognitions()

    assert sorted(r.pk for r in recognised) == [first.pk, second.pk]
    for row in (first, second, third):
        row.refresh_from_db()
    assert (first.stage, first.certificate, first.recognised_on) == (Stage.RECOGNISED, issued, D(2022, 12, 1))
    assert (second.stage, second.recognised_on) == (Stage.RECOGNISED, D(2022, 11, 20))
    assert third.stage == Stage.ENROLLED
    assert services.detect_recognitions() == []


def test_refresh_reads_only_the_enrollments_with_a_certificate_waiting(enrolled, django_assert_num_queries):
    enrolled(12)
    with django_assert_num_queries(1):  # however many enrollments the pool holds
        assert services.detect_recognitions() == []


def test_certificates_issued_before_enrolment_or_already_used_do_not_match(enrolled, certificate, officer, make_enterprise):
    [row] = enrolled()
    early = certificate(row.enterprise, issued=D(2021, 12, 1))
    assert list(services.matching_certificates(row)) == []
    with pytest.raises(ValidationError):
        services.record_certificate(row, early, officer)
    stranger = certificate(make_enterprise())
    with pytest.raises(ValidationError):
        services.record_certificate(row, stranger, officer)
    row.refresh_from_db()
    assert row.stage == Stage.ENROLLED


def test_a_candidate_is_not_recognised_until_enrolled(make_enterprise, certificate, officer):
    enterprise = make_enterprise()
    [row] = services.select_candidates([enterprise], Tier.HNTE, 2022, officer, on=D(2022, 2, 1))
    certificate(enterprise)
    assert services.detect_recognitions() == []
    row.refresh_from_db()
    assert row.stage == Stage.CANDIDATE


def test_record_certificate_from_the_page(client, enrolled, certificate, officer):
    [row] = enrolled()
    cert = certificate(row.enterprise)
    client.force_login(officer)
    page = client.get(reverse("cultivation:enrollment", args=[row.pk])).content.decode()
    assert cert.number in page
    client.post(reverse("cultivation:action"), {"action": "record_certificate", "ids": [row.pk], "certificate": cert.pk})
    row.refresh_from_db()
    assert row.certificate == cert and row.stage == Stage.RECOGNISED


def test_refresh_button(client, enrolled, certificate, officer, make_user):
    [row] = enrolled()
    certificate(row.enterprise)
    client.force_login(make_user("leader"))
    assert client.post(reverse("cultivation:refresh", args=[Tier.HNTE])).status_code == 403
    client.force_login(officer)
    client.post(reverse("cultivation:refresh", args=[Tier.HNTE]))
    row.refresh_from_db()
    assert row.stage == Stage.RECOGNISED


def test_refresh_command(enrolled, certificate):
    [row] = enrolled()
    cert = certificate(row.enterprise)
    out = io.StringIO()
    call_command("cultivation_refresh", "--tier", Tier.HNTE, stdout=out)
    assert cert.number in out.getvalue() and out.getvalue().endswith("recognised: 1\n")
    row.refresh_from_db()
    assert row.stage == Stage.RECOGNISED
