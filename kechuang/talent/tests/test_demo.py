import io

import pytest
from django.core.management import call_command

from kechuang.talent import crypto, services
from kechuang.talent.identity import birth_date, validate_id
from kechuang.talent.models import Consent, Edition, Talent

pytestmark = pytest.mark.django_db


def test_demo_people_carry_valid_numbers_consents_and_a_directory_with_gaps():
    call_command("demo", enterprises=40, seed="talent", stdout=io.StringIO())
    people = list(Talent.objects.all())
    assert len(people) >= 300
    for person in people:
        number = crypto.decrypt(person.id_cipher)
        assert validate_id(number) == number and birth_date(number).year == person.birth_year
        assert person.id_masked == f"{number[:6]}********{number[-4:]}"
    assert not Talent.objects.filter(consents__isnull=True).exists()
    assert Consent.objects.count() > len(people)
    edition = Edition.objects.get()
    found = services.gaps(edition)
    assert found and any(g.gap > 0 for g in found) and any(g.on_record > 0 for g in found)
    assert Talent.objects.filter(level__isnull=False).count() > len(people) // 2
