"""Migrating onto the ledger keeps every challenge's payments: each accepted milestone becomes a PAY
entry naming it, any part paid that no milestone accounts for an opening PAY entry, and the account's
limit is the support amount."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("techmarket", "0003_alter_contractchange_at_alter_contractchange_kind")]
AFTER = [("techmarket", "0004_challenge_payments_on_the_ledger")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_paid_amounts_become_pay_entries():
    old = _migrate(BEFORE)
    # its own region row: a transactional test before this one may have emptied the reference tables
    region, _created = old.get_model("core", "Region").objects.get_or_create(code="120116406", defaults={"name": "测试街道", "level": "township"})
    enterprise = old.get_model("registry", "Enterprise").objects.create(uscc="91120116MA05K0000X", name="测试企业", region=region)
    Demand = old.get_model("techmarket", "Demand")
    Challenge = old.get_model("techmarket", "Challenge")
    Milestone = old.get_model("techmarket", "Milestone")
    demand = Demand.objects.create(enterprise_id=enterprise.pk, title="余热回收", problem="余热浪费", posted_on=dt.date(2022, 1, 1),
                                   solution_mode="cooperative")
    day = dt.date(2022, 5, 1)
    paid = Challenge.objects.create(demand=demand, title="余热回收", support_amount=Decimal("100"), paid_amount=Decimal("50"),
                                    deadline=day, created_on=day, status="awarded")
    Milestone.objects.create(challenge=paid, title="样机", due_on=day, amount=Decimal("30"), status="accepted", accepted_on=day)
    Milestone.objects.create(challenge=paid, title="中试", due_on=day, amount=Decimal("40"), status="planned")
    unpaid = Challenge.objects.create(demand=demand, title="余热回收二期", support_amount=Decimal("80"), deadline=day, created_on=day)
    try:
        new = _migrate(AFTER)
        Challenge = new.get_model("techmarket", "Challenge")
        LedgerEntry = new.get_model("core", "LedgerEntry")
        paid, unpaid = Challenge.objects.select_related("account").get(pk=paid.pk), Challenge.objects.get(pk=unpaid.pk)
        assert (paid.account.limit, paid.account.paid, paid.account.reserved) == (Decimal("100"), Decimal("50"), 0)
        entries = list(LedgerEntry.objects.filter(account=paid.account).order_by("pk").values_list("kind", "amount", "reference"))
        assert entries == [
            ("pay", Decimal("30"), f"{paid.account.code}/1"),
            ("pay", Decimal("20"), paid.account.code),
        ]
        assert (unpaid.account.limit, unpaid.account.paid) == (Decimal("80"), 0)
        assert not LedgerEntry.objects.filter(account=unpaid.account).exists()
        assert paid.account.code != unpaid.account.code
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
