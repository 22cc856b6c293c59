"""The claim from filing to payment: subsidy arithmetic, the whole-or-nothing approval against the budget
and the enterprise's cap, redemption, payment, expiry, and the ledger entries each writes."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from kechuang.core import clock, ledger
from kechuang.core.audit import verify_chain
from kechuang.core.choices import Role
from kechuang.core.ledger import LedgerEntry
from kechuang.cultivation.models import Enrollment
from kechuang.vouchers import services
from kechuang.vouchers.choices import ClaimState
from kechuang.vouchers.models import Claim


def _member(firm):
    return firm.members.get()


def _provider_user(provider):
    return provider.users.get()


def test_a_claim_from_filing_to_payment_writes_its_ledger_entries(scheme, firm, provider, officer):
    claim = services.file_claim(scheme, firm, provider, "检验检测", Decimal("24"), _member(firm))
    assert (claim.state, claim.subsidy, claim.on_behalf) == (ClaimState.SUBMITTED, Decimal("10.00"), False)
    services.approve(claim, officer)
    scheme.account.refresh_from_db()
    assert claim.state == ClaimState.APPROVED and claim.expires_on == clock.today() + dt.timedelta(days=90)
    assert (scheme.account.reserved, scheme.account.paid) == (Decimal("10"), Decimal("0"))
    # Delivered for less than agreed: 16 × 0.5 = 8 is due, 2 returns to the budget at once.
    services.redeem(claim, _provider_user(provider), "FP-2026-0001", Decimal("16"))
    scheme.account.refresh_from_db()
    assert claim.paid_subsidy == Decimal("8.00") and scheme.account.reserved == Decimal("8.00")
    services.pay(claim, officer)
    scheme.account.refresh_from_db()
    assert claim.state == ClaimState.PAID
    assert (scheme.account.reserved, scheme.account.paid, scheme.account.available) == (0, Decimal("8"), Decimal("492"))
    assert services.remaining_cap(scheme, firm) == Decimal("12.00")
    entries = [(e.account.code.split("/")[-1], e.kind, e.amount) for e in LedgerEntry.objects.filter(reference=claim.ledger_reference)]
    budget, cap = "vouchers.scheme:test-circulation", f"enterprise:{firm.uscc}"
    assert sorted(entries) == sorted([
        (budget, "reserve", Decimal("10")), (cap, "reserve", Decimal("10")),
        (budget, "release", Decimal("2")), (cap, "release", Decimal("2")),
        (budget, "release", Decimal("8")), (budget, "pay", Decimal("8")),
        (cap, "release", Decimal("8")), (cap, "pay", Decimal("8")),
    ])
    assert ledger.verify_balances() == [] and verify_chain().ok


def test_subsidy_is_capped_per_claim_and_rounded_to_the_cent(scheme, firm, provider):
    big = services.file_claim(scheme, firm, provider, "检验检测", Decimal("30"), _member(firm))
    odd = services.file_claim(scheme, firm, provider, "智算", Decimal("0.333"), _member(firm))
    assert big.subsidy == Decimal("10.00") and odd.fee == Decimal("0.33") and odd.subsidy == Decimal("0.17")


def test_approval_never_grants_part_of_a_subsidy(make_scheme, firm, provider, officer):
    scheme = make_scheme(budget=15)
    first = services.file_claim(scheme, firm, provider, "检验检测", 20, _member(firm))
    second = services.file_claim(scheme, firm, provider, "检验检测", 20, _member(firm))
    services.approve(first, officer)
    with pytest.raises(ValidationError) as refused:
        services.approve(second, officer)
    text = str(refused.value)
    assert "5.00" in text and "10.00" in text and "15.00" in text  # available, asked, budget
    second.refresh_from_db()
    scheme.account.refresh_from_db()
    assert second.state == ClaimState.SUBMITTED and scheme.account.reserved == Decimal("10")


def test_the_enterprise_cap_holds_across_claims(scheme, firm, provider, officer):
    claims = [services.file_claim(scheme, firm, provider, "检验检测", 20, _member(firm)) for _ in range(3)]
    services.approve(claims[0], officer)
    services.approve(claims[1], officer)
    with pytest.raises(ValidationError) as refused:
        services.approve(claims[2], officer)
    assert "0.00" in str(refused.value) and "20.00" in str(refused.value)
    scheme.account.refresh_from_db()
    assert scheme.account.reserved == Decimal("20")


def test_redemption_rules(scheme, firm, provider, officer, make_user):
    claim = services.file_claim(scheme, firm, provider, "检验检测", 10, _member(firm))
    services.approve(claim, officer)
    with pytest.raises(PermissionDenied):
        services.redeem(claim, _member(firm), "FP-1", 10)  # 流通券: the provider redeems, not the firm
    stranger = make_user(Role.PROVIDER)
    with pytest.raises(PermissionDenied):
        services.redeem(claim, stranger, "FP-1", 10)
    with pytest.raises(ValidationError):
        services.redeem(claim, _provider_user(provider), "", 10)
    services.redeem(claim, _provider_user(provider), "FP-1", Decimal("40"))  # paid above the agreed fee
    assert claim.paid_subsidy == Decimal("5.00")  # still capped by what was reserved
    with pytest.raises(ValidationError):
        services.redeem(claim, _provider_user(provider), "FP-2", 10)  # a second redemption


def test_the_same_invoice_cannot_be_redeemed_twice(scheme, firm, provider, officer):
    claims = [services.file_claim(scheme, firm, provider, "检验检测", 4, _member(firm)) for _ in range(2)]
    for claim in claims:
        services.approve(claim, officer)
    services.redeem(claims[0], _provider_user(provider), "FP-9", 4)
    with pytest.raises(ValidationError) as refused:
        services.redeem(claims[1], _provider_user(provider), "FP-9", 4)
    assert "FP-9" in str(refused.value)
    claims[1].refresh_from_db()
    assert claims[1].state == ClaimState.APPROVED and services.reserved_now(claims[1]) == Decimal("2")


def test_subsidy_vouchers_are_redeemed_by_the_firm(make_scheme, firm, provider, officer):
    from kechuang.vouchers import schemes
    from kechuang.vouchers.tests.conftest import scheme_text

    text = scheme_text().replace("kind: circulation", "kind: subsidy").replace(
        "categories: [检验检测, 临床试验, 智算]", "categories: [挖掘技术需求]").replace("test-circulation", "test-subsidy")
    scheme = schemes.store(schemes.parse(text))[0]
    provider.categories = ["挖掘技术需求"]
    provider.save()
    claim = services.file_claim(scheme, firm, provider, "挖掘技术需求", 6, _member(firm))
    services.approve(claim, officer)
    with pytest.raises(PermissionDenied):
        services.redeem(claim, _provider_user(provider), "FP-3", 6)
    services.redeem(claim, _member(firm), "FP-3", 6)
    assert claim.state == ClaimState.REDEEMED and claim.paid_subsidy == Decimal("3.00")


def test_approving_a_claim_of_a_suspended_provider_is_refused(scheme, firm, provider, officer):
    claim = services.file_claim(scheme, firm, provider, "检验检测", 10, _member(firm))
    services.set_provider_status(provider, "suspend", officer, "资质过期")
    provider.refresh_from_db()
    claim.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.approve(claim, officer)
    assert provider.name in str(refused.value)
    scheme.account.refresh_from_db()
    assert scheme.account.reserved == 0 and not LedgerEntry.objects.exists()


def test_filing_refusals_name_the_field(scheme, firm, provider, make_enterprise, make_user, officer):
    user = _member(firm)
    cases = [
        ({"category": "临床试验"}, "provider"),  # the provider does not offer it
        ({"category": "高企认定服务"}, "category"),  # outside the scheme
        ({"fee": 0}, "fee"),
        ({"fee": -3}, "fee"),
        ({"fee": "1E+30"}, "fee"),
    ]
    for change, field in cases:
        arguments = {"category": "检验检测", "fee": 10, **change}
        with pytest.raises(ValidationError) as refused:
            services.file_claim(scheme, firm, provider, arguments["category"], arguments["fee"], user)
        assert field in refused.value.error_dict, change
    elsewhere = make_enterprise("外区企业", region_id="120101001")
    with pytest.raises(ValidationError) as refused:
        services.file_claim(scheme, elsewhere, provider, "检验检测", 10, officer)
    assert "enterprise" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.file_claim(scheme, firm, provider, "检验检测", 10, user, on=scheme.valid_to + dt.timedelta(days=1))
    assert "scheme" in refused.value.error_dict
    with pytest.raises(ValidationError):
        services.file_claim(scheme, firm, provider, "检验检测", 10, make_user(Role.ENTERPRISE))  # not its firm
    assert not Claim.objects.exists()


def test_an_officer_files_at_the_service_window(scheme, firm, provider, officer):
    claim = services.file_claim(scheme, firm, provider, "检验检测", 10, officer)
    assert claim.on_behalf and claim.filed_by == officer


def test_hnte_vouchers_read_the_cultivation_pipeline(firm, provider, officer):
    from kechuang.vouchers import schemes
    from kechuang.vouchers.tests.conftest import scheme_text

    text = (scheme_text().replace("kind: circulation", "kind: hnte").replace("test-circulation", "test-hnte")
            .replace("categories: [检验检测, 临床试验, 智算]", "categories: [高企认定服务]")
            .replace("eligible: {in_district: true, tiers: []}", "eligible: {in_district: true, pipeline: [hnte]}"))
    scheme = schemes.store(schemes.parse(text))[0]
    provider.categories = ["高企认定服务"]
    provider.save()
    enrollment = Enrollment.objects.create(enterprise=firm, tier="hnte", year=clock.today().year, stage="candidate",
                                           candidate_on=clock.today())
    with pytest.raises(ValidationError) as refused:
        services.file_claim(scheme, firm, provider, "高企认定服务", 5, officer)
    assert "高" in str(refused.value)
    Enrollment.objects.filter(pk=enrollment.pk).update(stage="enrolled", enrolled_on=clock.today())
    assert services.file_claim(scheme, firm, provider, "高企认定服务", 5, officer).subsidy == Decimal("2.50")


def test_expired_approvals_free_their_reservation(scheme, firm, provider, officer):
    claim = services.file_claim(scheme, firm, provider, "检验检测", 10, _member(firm))
    services.approve(claim, officer)
    late = (claim.expires_on + dt.timedelta(days=1)).isoformat()
    call_command("vouchers", "expire", "--as-of", claim.expires_on.isoformat())
    claim.refresh_from_db()
    assert claim.state == ClaimState.APPROVED
    call_command("vouchers", "expire", "--as-of", late)
    call_command("vouchers", "expire", "--as-of", late)
    claim.refresh_from_db()
    scheme.account.refresh_from_db()
    assert claim.state == ClaimState.EXPIRED and scheme.account.reserved == 0
    assert services.remaining_cap(scheme, firm) == Decimal("20")
    assert ledger.verify_balances() == []


def test_rejection_needs_a_reason_and_reserves_nothing(scheme, firm, provider, officer):
    claim = services.file_claim(scheme, firm, provider, "检验检测", 10, _member(firm))
    with pytest.raises(ValidationError):
        services.reject(claim, officer, "  ")
    services.reject(claim, officer, "服务内容不在支持范围")
    assert claim.state == ClaimState.REJECTED and claim.reason == "服务内容不在支持范围"
    assert not LedgerEntry.objects.exists()
