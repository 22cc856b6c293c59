"""Challenge staged payments move onto the core ledger: each challenge gets an account whose limit is
its support amount; what it has paid so far becomes PAY entries (one per accepted milestone, and an
opening entry for any part paid that no milestone accounts for); the paid_amount column and its check
constraint go (the account's constraints hold the same invariant)."""
from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models




def carry_paid_amounts(apps, schema_editor):
    Challenge = apps.get_model("techmarket", "Challenge")
    Milestone = apps.get_model("techmarket", "Milestone")
    LedgerAccount = apps.get_model("core", "LedgerAccount")
    LedgerEntry = apps.get_model("core", "LedgerEntry")
    for serial, challenge in enumerate(Challenge.objects.order_by("pk"), start=1):
        # numbered in launch order, as services.open_challenge_account numbers them
        code = f"techmarket.challenge:{serial:05d}"
        account = LedgerAccount.objects.create(
            code=code, name=f"揭榜挂帅：{challenge.title}"[:200],
            limit=challenge.support_amount, paid=challenge.paid_amount,
        )
        carried = Decimal("0")
        # each milestone's reference is the account and its number in planning order (services.milestone_references)
        numbers = {pk: n for n, pk in enumerate(Milestone.objects.filter(challenge=challenge).order_by("pk").values_list("pk", flat=True), 1)}
        for milestone in Milestone.objects.filter(challenge=challenge, status="accepted").order_by("accepted_on", "pk"):
            if carried + milestone.amount > challenge.paid_amount:
                break
            LedgerEntry.objects.create(
                account=account, kind="pay", amount=milestone.amount, reference=f"{code}/{numbers[milestone.pk]}",
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
