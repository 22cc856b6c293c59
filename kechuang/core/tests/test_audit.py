import pytest

from kechuang.core.audit import acting_as, verify_chain
from kechuang.core.models import AuditEntry
from kechuang.core.tests.tampering import tampering


@pytest.mark.django_db
def test_registry_changes_are_chained_and_verifiable(make_enterprise):
    with acting_as("officer1", "10.0.0.7"):
        firm = make_enterprise(name="甲公司")
        firm.name = "甲科技公司"
        firm.save()
        firm.delete()
    entries = list(AuditEntry.objects.filter(object_type="registry.enterprise"))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[1].changes["name"] == ["甲公司", "甲科技公司"]
    assert entries[1].actor == "officer1" and entries[1].address == "10.0.0.7"
    assert verify_chain().ok


@pytest.mark.django_db
def test_verify_names_the_first_altered_entry(make_enterprise):
    for i in range(4):
        make_enterprise(name=f"企业{i}")
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor = 'mallory' WHERE sequence = 2")
    result = verify_chain()
    assert not result.ok and result.first_bad_sequence == 2 and result.reason == "altered"


@pytest.mark.django_db
def test_verify_detects_removed_entries(make_enterprise):
    for i in range(3):
        make_enterprise(name=f"企业{i}")
    last = AuditEntry.objects.order_by("-sequence").first().sequence
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE sequence = %s", [last])
    result = verify_chain()
    assert not result.ok and result.first_bad_sequence == last and result.reason == "missing"
