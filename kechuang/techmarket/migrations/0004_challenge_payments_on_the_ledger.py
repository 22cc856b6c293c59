"""Challenge staged payments move onto the core ledger: each challenge gets an account whose limit is
its support amount; what it has paid so far becomes PAY entries (one per accepted milestone, and an
opening entry for any part paid that no milestone accounts for); the paid_amount column and its check
constraint go (the account's constraints hold the same invariant)."""
from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models


def challenge_account_code(challenge, launch: int) -> str:
    # as services.open_challenge_account names it: the demand and which of its challenges this is
    return f"techmarket.challenge:{challenge.demand_id}-{launch}"


def carry_paid_amounts(apps, schema_editor):
    Challenge = apps.get_model("techmarket", "Challenge")
    Milestone = apps.get_model("techmarket", "Milestone")
    LedgerAccount = apps.get_model("core", "LedgerAccount")
    LedgerEntry = apps.get_model("core", "LedgerEntry")
    launches = {}
    for challenge in Challenge.objects.order_by("pk"):
        launches[challenge.demand_id] = launches.get(challenge.demand_id, 0) + 1
        code = challenge_account_code(challenge, launches[challenge.demand_id])
        account = LedgerAccount.objects.create(
            code=code, name=f"揭榜挂帅：{challenge.title}"[:200],
            limit=challenge.support_amount, paid=challenge.paid_amount,
        )
        carried = Decimal("0")
        for milestone in Milestone.objects.filter(challenge=challenge, status="accepted").order_by("accepted_on", "pk"):
            if carried + milestone.amount > challenge.paid_amount:
                break
            LedgerEntry.objects.create(
                account=account, kind="pay", amount=milestone.amount, reference=f"techmarket.milestone:{milestone.pk}",
                note=milestone.title[:300], by_id=milestone.accepted_by_id,
            )
            carried += milestone.amount
        if challenge.paid_amount > carried:
            LedgerEntry.objects.create(
                account=account, kind="pay", amount=challenge.paid_amount - carried,
                reference=code, note="opening balance",
            )
        Challenge.objects.filter(pk=challenge.pk).update(account=account)


def restore_paid_amounts(apps, schema_editor):
    Challenge = apps.get_model("techmarket", "Challenge")
    for challenge in Challenge.objects.select_related("account"):
        Challenge.objects.filter(pk=challenge.pk).update(paid_amount=challenge.account.paid)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_ledger"),
        ("techmarket", "0003_alter_contractchange_at_alter_contractchange_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="challenge",
            name="account",
            field=models.OneToOneField(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="challenge",
                to="core.ledgeraccount", verbose_name="ledger account",
            ),
        ),
        migrations.RunPython(carry_paid_amounts, restore_paid_amounts),
        migrations.RemoveConstraint(model_name="challenge", name="challenge_paid_within_support"),
        migrations.RemoveField(model_name="challenge", name="paid_amount"),
        migrations.AlterField(
            model_name="challenge",
            name="account",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT, related_name="challenge", to="core.ledgeraccount",
                verbose_name="ledger account",
            ),
        ),
    ]
