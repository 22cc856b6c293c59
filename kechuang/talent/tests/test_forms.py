import pytest
from django.urls import reverse

from kechuang.core.choices import Role
from kechuang.core.models import AuditEntry
from kechuang.talent import crypto
from kechuang.talent.models import Talent
from kechuang.talent.tests.conftest import id_number

pytestmark = pytest.mark.django_db


def form_data(employer, **overrides):
    data = {"name": "周宁", "gender": "female", "birth_year": 1990, "id_number": id_number(birth="19900101", serial="321"),
            "phone": "13512345678", "education": "master", "title": "intermediate", "field": "10",
            "employer_uscc": employer.uscc, "mode": "flexible"}
    return {**data, **overrides}


def test_officer_keeps_a_record_through_the_form_without_ever_seeing_it_back(client, make_user, make_enterprise):
    officer, employer = make_user(Role.OFFICER), make_enterprise()
    client.force_login(officer)
    refused = client.post(reverse("talent:talent-new"), form_data(employer, id_number=id_number(birth="19900101", serial="321")[:17] + "Y"))
    assert refused.status_code == 200 and not Talent.objects.exists()
    assert client.post(reverse("talent:talent-new"), form_data(employer, employer_uscc="91120116MA00000000")).status_code == 200
    assert client.post(reverse("talent:talent-new"), form_data(employer)).status_code == 302
    talent = Talent.objects.get()
    assert talent.employer == employer and crypto.decrypt(talent.phone_cipher) == "13512345678"
    edit = client.get(reverse("talent:talent-edit", args=[talent.pk])).content.decode()
    assert id_number(birth="19900101", serial="321") not in edit and "13512345678" not in edit and talent.id_masked in edit
    assert client.post(reverse("talent:talent-edit", args=[talent.pk]), form_data(employer, id_number="", phone="", position="总工")).status_code == 302
    talent.refresh_from_db()
    assert talent.position == "总工" and crypto.decrypt(talent.id_cipher) == id_number(birth="19900101", serial="321")
    assert crypto.decrypt(talent.phone_cipher) == "13512345678"
    assert AuditEntry.objects.filter(object_type="talent.talent").count() == 2


def test_only_officers_may_open_the_form(client, make_user):
    for role in (Role.LEADER, Role.ENTERPRISE, Role.SYSADMIN):
        client.force_login(make_user(role))
        assert client.get(reverse("talent:talent-new")).status_code == 403
