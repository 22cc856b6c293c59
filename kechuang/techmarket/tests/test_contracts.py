import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kechuang.techmarket import services
from kechuang.techmarket.choices import ContractChangeKind, ContractStatus
from kechuang.techmarket.models import ContractChange, TechContract

pytestmark = pytest.mark.django_db


def test_tech_amount_above_contract_amount_is_refused_and_nothing_written(application, officer):
    with pytest.raises(ValidationError) as error:
        services.apply_contract(application(amount=Decimal("100"), tech_amount=Decimal("100.01")), officer)
    assert "技术交易额" in str(error.value) or "tech_amount" in error.value.message_dict
    assert not TechContract.objects.exists() and not ContractChange.objects.exists()


def test_application_later_than_30_days_needs_a_reason(application, officer):
    late = dict(signed_on=dt.date(2022, 3, 1), applied_on=dt.date(2022, 4, 1))  # 31 days
    with pytest.raises(ValidationError) as error:
        services.apply_contract(application(**late), officer)
    assert "late_reason" in error.value.message_dict
    assert not TechContract.objects.exists()

    on_time = services.apply_contract(application(signed_on=dt.date(2022, 3, 1), applied_on=dt.date(2022, 3, 31)), officer)
    assert not on_time.applied_late
    with_reason = services.apply_contract(application(late_reason="合同盖章流程延误", **late), officer)
    assert with_reason.applied_late and with_reason.late_reason == "合同盖章流程延误"


def test_subtype_must_fit_the_type(application, officer):
    with pytest.raises(ValidationError) as error:
        services.apply_contract(application(contract_type="consulting", subtype="entrusted"), officer)
    assert "subtype" in error.value.message_dict


def test_register_assigns_serial_numbers_per_year(application, officer):
    first = services.register_contract(services.apply_contract(application(), officer), officer, on=dt.date(2022, 3, 20))
    second = services.register_contract(services.apply_contract(application(), officer), officer, on=dt.date(2022, 4, 2))
    next_year = services.register_contract(services.apply_contract(application(), officer), officer, on=dt.date(2023, 1, 5))
    assert first.registration_number == "120116406202200001"
    assert second.registration_number == "120116406202200002"
    assert next_year.registration_number == "120116406202300001"
    assert first.status == ContractStatus.REGISTERED and first.registered_on == dt.date(2022, 3, 20)
    with pytest.raises(ValidationError):
        services.register_contract(first, officer)  # already registered


def test_refusal_needs_a_reason_and_is_kept(application, officer):
    contract = services.apply_contract(application(), officer)
    with pytest.raises(ValidationError):
        services.refuse_contract(contract, officer, "  ")
    services.refuse_contract(contract, officer, "标的不明确")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.REFUSED and contract.refusal_reason == "标的不明确"
    assert list(contract.changes.values_list("kind", flat=True)) == [ContractChangeKind.APPLICATION, ContractChangeKind.REFUSAL]


def test_correction_and_cancellation_keep_history(application, officer):
    contract = services.register_contract(services.apply_contract(application(), officer), officer, on=dt.date(2022, 3, 20))
    with pytest.raises(ValidationError):
        services.correct_contract(contract, officer, {"tech_amount": Decimal("500")}, "金额更正")
    services.correct_contract(contract, officer, {"amount": Decimal("150"), "tech_amount": Decimal("130")}, "补充协议增加金额")
    assert contract.amount == Decimal("150")
    services.cancel_contract(contract, officer, "双方解除合同")
    assert contract.status == ContractStatus.CANCELLED
    changes = list(contract.changes.all())
    assert [c.kind for c in changes] == ["application", "registration", "correction", "cancellation"]
    correction = changes[2]
    assert correction.before["amount"] == "120.00" and correction.after["amount"] == "150.00"
    assert correction.reason == "补充协议增加金额" and correction.by == officer
    assert TechContract.objects.registered().turnover() == 0
