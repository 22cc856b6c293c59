"""Every model that feeds a statistic, a permission or money is audited (issue 8, point 4): each of the
project's models is either an AuditedModel or named here with the reason it is not."""
import pytest
from django.apps import apps

from kechuang.core.audit import AuditedModel, acting_as
from kechuang.core.choices import AuditAction, Role
from kechuang.core.models import AuditEntry, Department

NOT_AUDITED = {
    # Reference tables: loaded by migrations from the official code lists, never edited (read-only admin).
    "core.Region": "reference", "core.Industry": "reference", "core.HighTechDomain": "reference",
    "core.IPKind": "reference",
    # The audit trail itself.
    "core.AuditEntry": "the chain", "core.AuditChainHead": "the chain", "core.AuditArchiveMark": "the chain",
    # Chained by their service: every request, approval, account and posting is its own entry.
    "core.PrivilegedChange": "kechuang.core.privileges",
    "core.LedgerAccount": "kechuang.core.ledger", "core.LedgerEntry": "kechuang.core.ledger",
    # Derived: recomputed from audited registry rows under an audited rule-set version and screening run.
    "policy.ScreeningResult": "derived",
    # Messages to users, not data that a figure, a right or money depends on.
    "core.Notification": "messages", "core.OutboxEmail": "messages",
    # The one vocabulary: loaded by migrations from the official lists, read-only like the reference tables.
    "core.CertificateKind": "reference", "core.Tier": "reference",
    # A user's own download being written; the rows it exports are audited where they live.
    "core.ExportJob": "a download",
    # Derived: measured again from audited records (year-end values) or rebuilt from them (the matching index).
    "plan.YearEndValue": "derived", "core.StoredFigure": "derived", "core.TableVersion": "the chain's count of writes",
    "techmarket.MatchCentroid": "derived", "techmarket.MatchTerm": "derived",
    # finance: derived, rewritten in bulk from audited registry rows by the listing screening and by the
    # yearly innovation-points run (finance.PointsRun, audited).
    "finance.ListingScreening": "derived", "finance.PointsScore": "derived",
}


def project_models():
    return [model for model in apps.get_models() if model.__module__.startswith("kechuang.")]


def test_every_model_is_audited_or_says_why_not():
    unaudited = {model._meta.label for model in project_models() if not issubclass(model, AuditedModel)}
    assert unaudited == set(NOT_AUDITED)
    must_be_audited = {
        "core.User", "core.Department", "plan.Plan", "plan.Indicator", "plan.YearTarget", "plan.Task",
        "plan.ProgressReport", "plan.ManualFigure", "cultivation.CultivationAction", "cultivation.Enrollment",
        "techmarket.ContractChange", "policy.RuleSetVersion",
    }
    assert must_be_audited <= {model._meta.label for model in project_models() if issubclass(model, AuditedModel)}


@pytest.mark.django_db
def test_roles_department_membership_and_passwords_are_chained_without_the_hash(make_user):
    user = make_user(Role.LIAISON)
    department = Department.objects.create(code="finance", name="财政局")
    with acting_as("sysadmin1"):
        user.department = department
        user.role = Role.OFFICER
        user.set_password("Bohai-Eco-City#2027")
        user.save()
    entries = AuditEntry.objects.filter(object_type="core.user", object_id=str(user.pk), actor="sysadmin1")
    update = entries.get(action=AuditAction.UPDATE)
    assert update.changes["role"] == [Role.LIAISON, Role.OFFICER]
    assert update.changes["department_id"] == [None, department.pk]
    assert entries.filter(action=AuditAction.PASSWORD_CHANGE).exists()
    assert not any("password" in entry.changes for entry in AuditEntry.objects.all())


@pytest.mark.django_db
def test_enterprise_membership_is_chained(make_user, make_enterprise):
    firm, user = make_enterprise(), make_user(Role.ENTERPRISE)
    with acting_as("officer1"):
        firm.members.add(user)
    entry = AuditEntry.objects.filter(object_type="registry.enterprise", object_id=str(firm.pk)).last()
    assert entry.actor == "officer1" and entry.changes == {"members": [None, [str(user.pk)]]}


@pytest.mark.django_db
def test_plan_data_changes_are_chained():
    from kechuang.plan.models import Indicator, Plan, YearTarget

    plan = Plan.objects.create(code="p", name="计划", start_year=2024, end_year=2026)
    indicator = Indicator.objects.create(plan=plan, code="i1", name="高企数", unit="家", target=100)
    target = YearTarget.objects.create(indicator=indicator, year=2025, value=10)
    target.value = 12
    target.save()
    actions = list(AuditEntry.objects.filter(object_type="plan.yeartarget").values_list("action", flat=True))
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE]
    assert AuditEntry.objects.filter(object_type="plan.indicator", action=AuditAction.CREATE).exists()
