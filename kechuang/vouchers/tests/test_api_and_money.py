"""The public API contract, scheme files, concurrency of approvals, the provider import, and the pages
of each role."""
import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from kechuang.core import ledger
from kechuang.core.choices import Role
from kechuang.core.imports import ImportFailed, read_table
from kechuang.vouchers import schemes, services
from kechuang.vouchers.importers import ProviderImporter
from kechuang.vouchers.models import Claim, Provider, Scheme
from kechuang.vouchers.tests.conftest import scheme_text


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(the_scheme, the_firm, the_provider, **change):
    body = {"scheme": the_scheme.code, "enterprise": the_firm.uscc, "provider": the_provider.uscc, "category": "检验检测", "fee": 20}
    body.update(change)
    return body


def test_api_files_approves_redeems_and_pays(scheme, firm, provider, officer):
    created = _api(firm.members.get()).post("/api/vouchers/claims/", _body(scheme, firm, provider), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "submitted" and created.json()["subsidy"] == 10.0
    claim_id = created.json()["id"]
    approved = _api(officer).post(f"/api/vouchers/claims/{claim_id}/approve/")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    balance = _api(officer).get(f"/api/vouchers/schemes/{scheme.code}/").json()
    assert {k: balance[k] for k in ("code", "budget", "reserved", "paid", "available")} == {
        "code": scheme.code, "budget": 500.0, "reserved": 10.0, "paid": 0.0, "available": 490.0}
    redeemed = _api(provider.users.get()).post(
        f"/api/vouchers/claims/{claim_id}/redeem/", {"invoice_no": "FP-77", "fee_paid": 18}, format="json")
    assert redeemed.status_code == 200 and redeemed.json()["paid_subsidy"] == 9.0
    again = _api(provider.users.get()).post(
        f"/api/vouchers/claims/{claim_id}/redeem/", {"invoice_no": "FP-78", "fee_paid": 18}, format="json")
    assert again.status_code in (400, 403)
    paid = _api(officer).post(f"/api/vouchers/claims/{claim_id}/pay/")
    assert paid.status_code == 200 and paid.json()["state"] == "paid"
    assert _api(officer).get(f"/api/vouchers/schemes/{scheme.code}/").json()["paid"] == 9.0


def test_api_refusals_are_400_in_chinese_naming_the_field(scheme, firm, provider, officer, make_enterprise, make_scheme):
    client = _api(officer)
    schemes.store(schemes.parse(scheme_text(start="2020-01-01", end="2020-12-31", year=2020).replace("test-circulation", "old-scheme")))
    elsewhere = make_enterprise("外区企业", region_id="120101001")
    suspended = Provider.objects.create(uscc="91120116MA05TEST8A"[:17] + "X", name="停用机构", kind="testing",
                                        categories=["检验检测"], status="suspended")
    cases = {
        "scheme": _body(scheme, firm, provider, scheme="no-such-scheme"),
        "category": _body(scheme, firm, provider, category="高企认定服务"),
        "provider": _body(scheme, firm, provider, category="临床试验"),
        "enterprise": _body(scheme, elsewhere, provider),
        "fee": _body(scheme, firm, provider, fee=0),
    }
    for field, body in cases.items():
        response = client.post("/api/vouchers/claims/", body, format="json")
        assert response.status_code == 400 and field in response.json(), (field, response.content)
    suspended_body = _body(scheme, firm, provider, provider=suspended.uscc)
    response = client.post("/api/vouchers/claims/", suspended_body, format="json")
    assert response.status_code == 400 and "provider" in response.json()
    outside = client.post("/api/vouchers/claims/", _body(Scheme.objects.get(code="old-scheme"), firm, provider), format="json")
    assert outside.status_code == 400 and "scheme" in outside.json()
    message = client.post("/api/vouchers/claims/", cases["category"], format="json").json()["category"][0]
    assert "不" in message or "范围" in message or "类别" in message
    assert not Claim.objects.exists()


def test_api_approval_that_cannot_be_covered_is_409(make_scheme, firm, provider, officer):
    scheme = make_scheme(budget=12)
    client = _api(officer)
    ids = [client.post("/api/vouchers/claims/", _body(scheme, firm, provider), format="json").json()["id"] for _ in range(2)]
    assert client.post(f"/api/vouchers/claims/{ids[0]}/approve/").status_code == 200
    refused = client.post(f"/api/vouchers/claims/{ids[1]}/approve/")
    assert refused.status_code == 409 and "2.00" in refused.json()["detail"]
    assert refused.json()["figures"]["available"] == 2.0


def test_only_officers_approve_and_enterprises_see_only_their_claims(scheme, firm, provider, make_enterprise, make_user):
    other = make_enterprise("另一家企业")
    other.members.add(make_user(Role.ENTERPRISE))
    mine = services.file_claim(scheme, firm, provider, "检验检测", 10, firm.members.get())
    services.file_claim(scheme, other, provider, "检验检测", 10, other.members.get())
    client = _api(firm.members.get())
    assert client.post(f"/api/vouchers/claims/{mine.pk}/approve/").status_code == 403
    listed = client.get("/api/vouchers/claims/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert len(_api(provider.users.get()).get("/api/vouchers/claims/").json()["results"]) == 2


def _race(target, count, threads=50):
    """Run target(0…count-1) from `threads` threads released at once (PostgreSQL allows 100 connections by
    default, so 200 requests share 50 connections, as 200 browser requests share a server's workers)."""
    barrier = threading.Barrier(threads)
    outcomes = []

    def run(worker):
        try:
            barrier.wait()
            for index in range(worker, count, threads):
                outcomes.append(target(index))
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_approvals_never_overspend(make_scheme, make_enterprise, provider, officer):
    _assert_concurrent_approvals(make_scheme, make_enterprise, provider, officer)


def _assert_concurrent_approvals(make_scheme, make_enterprise, provider, officer):
    # 200 claims of 10 万元 subsidy = 2,000 万元 asked of a 500 万元 budget; 50 firms with a 20 万元 cap each
    # (the caps would allow 1,000 万元, so the budget binds: exactly 50 approvals).
    scheme = make_scheme(budget=500)
    firms = [make_enterprise(f"并发企业{i}") for i in range(50)]
    claims = [services.file_claim(scheme, firms[i % 50], provider, "检验检测", 20, officer) for i in range(200)]
    total_asked = sum(c.subsidy for c in claims)
    assert total_asked == 4 * scheme.budget

    def approve(index):
        try:
            services.approve(Claim.objects.get(pk=claims[index].pk), officer)
            return "approved"
        except Exception as error:  # noqa: BLE001 - the outcome is what is counted
            return type(error).__name__ if not type(error).__name__ == "OperationalError" else f"OperationalError: {error}"

    outcomes = _race(approve, len(claims))
    scheme.account.refresh_from_db()
    approved = Claim.objects.filter(scheme=scheme, state="approved")
    assert set(outcomes) <= {"approved", "ValidationError"}, set(outcomes)
    assert len(outcomes) == 200 and outcomes.count("approved") == approved.count() == 50
    assert scheme.account.reserved == sum(c.subsidy for c in approved) == scheme.budget
    assert scheme.account.reserved + scheme.account.paid <= scheme.account.limit
    for enterprise in firms:
        assert 0 <= services.remaining_cap(scheme, enterprise) <= scheme.cap_per_enterprise
    assert ledger.verify_balances() == []


def test_scheme_files_are_validated_with_file_line_and_key(tmp_path, db):
    bad = {
        "negative budget": (scheme_text(budget=-1), "budget", 5),
        "ratio above 1": (scheme_text().replace("subsidy_ratio: 0.5", "subsidy_ratio: 1.5"), "subsidy_ratio", 6),
        "category of another kind": (scheme_text().replace("[检验检测, 临床试验, 智算]", "[高企认定服务]"), "categories", 9),
        "unknown key": (scheme_text() + "budgett: 3\n", "budgett", 16),
    }
    for case, (text, key, line) in bad.items():
        path = tmp_path / f"{key}.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CommandError) as refused:
            call_command("vouchers", "load", str(path))
        message = str(refused.value)
        assert path.name in message and f"line {line}" in message and key in message, (case, message)
    assert not Scheme.objects.exists() and not ledger.LedgerAccount.objects.exists()


def test_builtin_schemes_load_and_reload_keeps_budgets_above_commitments(db, firm, provider, officer):
    call_command("vouchers", "load", "--builtin")
    assert Scheme.objects.count() == len(list(schemes.BUILTIN_DIR.glob("*.yaml")))
    assert Scheme.objects.get(code="binhai-2024-circulation").account.limit == Decimal("500")
    call_command("vouchers", "load", "--builtin")  # idempotent
    assert Scheme.objects.count() == len(list(schemes.BUILTIN_DIR.glob("*.yaml")))


def test_provider_import_is_all_or_nothing(db):
    from conftest import valid_uscc

    good = f"统一社会信用代码,机构名称,机构类型,服务类别,联系人,联系电话\n{valid_uscc(880001)},天津大学测试中心,高校,检验检测；智算,王老师,022-1234\n"
    check = ProviderImporter().run(read_table(good.encode("utf-8"), "p.csv"))
    assert check.ok and Provider.objects.get().categories == ["检验检测", "智算"]
    assert Provider.objects.get().status == "applied"
    bad = good + f"{valid_uscc(880002)},某机构,律师事务所,检验检测,,\n{valid_uscc(880003)},另一机构,高校,理发,,\n"
    with pytest.raises(ImportFailed) as failed:
        ProviderImporter().run(read_table(bad.encode("utf-8"), "p.csv"))
    check = failed.value.check
    reasons = " ".join(str(p) for p in check.problems)
    assert not check.ok and "第 3 行" in reasons and "机构类型" in reasons and "第 4 行" in reasons and "理发" in reasons
    assert Provider.objects.count() == 1


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER, Role.ENTERPRISE, Role.PROVIDER])
def test_every_role_opens_its_voucher_pages(role, client, make_user, scheme, firm, provider, officer):
    claim = services.file_claim(scheme, firm, provider, "检验检测", 10, firm.members.get())
    user = {Role.ENTERPRISE: firm.members.get(), Role.PROVIDER: provider.users.get()}.get(role) or make_user(role)
    client.force_login(user)
    pages = ["/vouchers/", "/vouchers/catalogue/", f"/vouchers/claims/{claim.pk}/", "/vouchers/claims/",
             f"/vouchers/schemes/{scheme.code}/", f"/vouchers/providers/{provider.pk}/"]
    if role in (Role.OFFICER, Role.LEADER):
        pages += ["/vouchers/statistics/", "/vouchers/statistics/?export=xlsx", "/vouchers/providers/"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (role, page, response.status_code)
    body = client.get("/vouchers/").content.decode()
    assert (firm.name in body) == (role in (Role.OFFICER, Role.LEADER, Role.ENTERPRISE, Role.PROVIDER))


def test_an_officer_approves_in_bulk_from_the_queue(client, scheme, firm, provider, officer):
    claims = [services.file_claim(scheme, firm, provider, "检验检测", 20, officer) for _ in range(3)]
    client.force_login(officer)
    client.post("/vouchers/review/", {"ids": [c.pk for c in claims]})
    states = list(Claim.objects.order_by("pk").values_list("state", flat=True))
    assert states.count("approved") == 2 and states.count("submitted") == 1  # the enterprise cap of 20 stops the third


def test_undeclared_steps_are_refused_on_the_claim_page(client, scheme, firm, provider, officer):
    claim = services.file_claim(scheme, firm, provider, "检验检测", 10, officer)
    client.force_login(firm.members.get())
    client.post(f"/vouchers/claims/{claim.pk}/approve/")
    client.post(f"/vouchers/claims/{claim.pk}/delete-everything/")
    claim.refresh_from_db()
    assert claim.state == "submitted" and not ledger.LedgerEntry.objects.exists()


def test_the_public_catalogue_lists_verified_providers_only(client, provider, db):
    from kechuang.vouchers.models import Service

    Service.objects.create(provider=provider, category="检验检测", name="扫描电镜测试", price=Decimal("0.08"), unit="hour",
                           is_instrument=True, instrument_model="SU8010", location="生态城")
    hidden = Provider.objects.create(uscc="911201160000000001"[:17] + "Y", name="待审机构", kind="testing", categories=["检验检测"])
    Service.objects.create(provider=hidden, category="检验检测", name="未审核服务", price=1)
    page = client.get("/vouchers/catalogue/?q=电镜").content.decode()
    assert "扫描电镜测试" in page and "未审核服务" not in page
    assert "未审核服务" not in client.get("/vouchers/catalogue/").content.decode()


def test_shipped_scheme_files_are_in_the_repo():
    assert {p.name for p in Path(schemes.BUILTIN_DIR).glob("*.yaml")} >= {"binhai-2024-circulation.yaml", "ecocity-hnte-service.yaml"}


def test_the_profile_lists_claims_and_the_plan_counts_paid_subsidies(client, scheme, firm, provider, officer):
    from kechuang.core import clock
    from kechuang.plan.indicators import run

    claim = services.file_claim(scheme, firm, provider, "检验检测", 12, officer)
    services.approve(claim, officer)
    services.redeem(claim, provider.users.get(), "FP-100", 12)
    services.pay(claim, officer)
    client.force_login(officer)
    page = client.get(f"/registry/enterprises/{firm.uscc}/").content.decode()
    assert "创新券" in page and f"/vouchers/claims/{claim.pk}/" in page
    measure = run("voucher_subsidies_paid", "120116406", clock.today())
    assert measure.value == Decimal("6.00") and list(measure.records) == [claim]
    last_year_end = clock.today().replace(month=1, day=1) - dt.timedelta(days=1)
    assert run("voucher_subsidies_paid", "120116406", last_year_end).value == 0


def test_a_provider_applies_and_an_officer_verifies(client, make_user, officer):
    from conftest import valid_uscc

    applicant = make_user(Role.PROVIDER)
    client.force_login(applicant)
    bad = client.post("/vouchers/providers/apply/", {"uscc": "91120116MA0000000X", "name": "新机构", "kind": "testing",
                                                      "categories": ["检验检测"]})
    assert bad.status_code == 200 and not Provider.objects.exists()
    client.post("/vouchers/providers/apply/", {"uscc": valid_uscc(770001), "name": "滨海新检测公司", "kind": "testing",
                                               "categories": ["检验检测", "试验验证"], "contact": "李工", "phone": "022-5555"})
    provider = Provider.objects.get()
    assert provider.status == "applied" and list(provider.users.all()) == [applicant]
    assert client.get("/vouchers/providers/apply/").status_code == 403  # one provider per account
    services.set_provider_status(provider, "verify", officer)
    provider.refresh_from_db()
    assert provider.status == "verified"
