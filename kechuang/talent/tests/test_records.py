"""Records at rest, reveal and removal."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from kechuang.core.audit import verify_chain
from kechuang.core.choices import Role
from kechuang.core.models import AuditEntry
from kechuang.talent import crypto, services
from kechuang.talent.models import Consent, Disclosure, Talent
from kechuang.talent.tests.conftest import id_number

pytestmark = pytest.mark.django_db


def raw_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM talent_talent")
        return " ".join(str(cell) for row in cursor.fetchall() for cell in row)


def test_numbers_are_encrypted_at_rest_and_masked_in_the_trail(make_talent):
    number = id_number(serial="777")
    talent = make_talent(number=number, phone="13700001111")
    stored = raw_rows()
    assert number not in stored and "13700001111" not in stored
    assert talent.id_masked in stored and "137****1111" in stored
    trail = " ".join(str(e.changes) + e.object_repr for e in AuditEntry.objects.all())
    assert number not in trail and "13700001111" not in trail and talent.id_cipher not in trail
    assert talent.id_masked in trail
    assert crypto.decrypt(Talent.objects.get().id_cipher) == number


def test_another_key_cannot_read_the_database(make_talent, settings):
    talent = make_talent()
    settings.KECHUANG_TALENT_KEY = "a different key"
    with pytest.raises(Exception, match="密钥"):
        crypto.decrypt(talent.id_cipher)
    assert services.id_index_of(id_number()) != talent.id_index


def test_the_same_number_twice_is_refused(make_talent):
    make_talent(number=id_number(serial="555"))
    with pytest.raises(ValidationError, match="已有人才记录"):
        make_talent(number=id_number(serial="555"))


def test_officer_reveals_one_number_with_a_reason_and_it_is_chained(make_talent, make_user):
    officer = make_user(Role.OFFICER)
    number = id_number(serial="901")
    talent = make_talent(number=number, officer=officer)
    with pytest.raises(ValidationError):
        services.reveal(talent, "id_number", "  ", officer)
    for role in (Role.LEADER, Role.ENTERPRISE, Role.AUDITOR, Role.SYSADMIN):
        with pytest.raises(PermissionDenied):
            services.reveal(talent, "id_number", "核验身份", make_user(role))
    assert services.reveal(talent, "id_number", "核验申报材料", officer) == number
    assert services.reveal(talent, "phone", "联系本人", officer) == "13912345678"
    assert list(Disclosure.objects.values_list("field", "reason", "by")) == [
        ("phone", "联系本人", officer.pk), ("id_number", "核验申报材料", officer.pk)]
    entries = AuditEntry.objects.filter(object_type="talent.disclosure")
    assert entries.count() == 2 and number not in str([e.changes for e in entries])
    assert verify_chain().ok


def test_removal_on_request_leaves_one_entry_without_the_person(make_talent, make_user):
    officer = make_user(Role.OFFICER)
    talent = make_talent(officer=officer, name="王晓明", email="wxm@example.com")
    services.record_consent(talent, officer, purpose="人才政策兑现", necessity="核验身份", given_on="2022-01-05")
    services.reveal(talent, "id_number", "核验", officer)
    pk, masked = talent.pk, talent.id_masked
    services.remove_on_request(talent, "本人 2022-06-01 书面申请删除", officer)
    assert not Talent.objects.exists() and not Consent.objects.exists() and not Disclosure.objects.exists()
    removal = AuditEntry.objects.get(object_type="talent.talent", object_id=str(pk), action="delete")
    assert masked in removal.object_repr and "王晓明" not in str(removal.changes) + removal.object_repr
    assert "wxm@example.com" not in str(removal.changes)
    assert verify_chain().ok


def test_age_and_birth_year_rules(make_talent):
    with pytest.raises(ValidationError, match="不一致"):
        make_talent(number=id_number(birth="19900101"), birth_year=1988)
    with pytest.raises(ValidationError, match="不满 16"):
        make_talent(number=id_number(birth="20150101"), birth_year=2015)
    with pytest.raises(ValidationError, match="超过 100"):
        make_talent(number=id_number(birth="19000101"), birth_year=1900)


def test_consent_is_withdrawn_once_and_dated(make_talent, make_user):
    officer = make_user(Role.OFFICER)
    talent = make_talent(officer=officer)
    consent = services.record_consent(talent, officer, purpose="人才图谱统计", necessity="统计分布", given_on="2022-01-05")
    services.withdraw_consent(consent, officer)
    assert consent.withdrawn_on is not None
    with pytest.raises(ValidationError):
        services.withdraw_consent(consent, officer)
    with pytest.raises(PermissionDenied):
        services.withdraw_consent(consent, make_user(Role.LEADER))


def test_a_changed_birth_year_is_checked_against_the_stored_number(make_talent, make_user):
    officer = make_user(Role.OFFICER)
    talent = make_talent(officer=officer)
    talent.birth_year = 1989
    with pytest.raises(ValidationError, match="不一致"):
        services.save_talent(talent, officer)
