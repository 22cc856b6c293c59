import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.carriers import services
from kechuang.carriers.choices import ReportState
from kechuang.carriers.workflows import REPORT
from kechuang.core.models import Notification
from kechuang.core.workflow import move
from kechuang.registry.models import YearlyData

FIGURES = {"staff": 10, "professional_staff": 8, "mentors": 5, "incubation_fund": Decimal(500), "service_income": Decimal(30),
           "rent_income": Decimal(70), "investment_cases": 3, "services_delivered": 40, "events_held": 12}


@pytest.fixture
def report(carrier, operator_user):
    return services.open_reports(2023, dt.date(2024, 3, 31))[0]


def test_opening_tells_the_operator_and_reminders_come_once_a_day(report, operator_user):
    assert Notification.objects.filter(user=operator_user).count() == 1
    assert services.remind(dt.date(2024, 3, 1)) == 0           # more than 14 days ahead
    assert services.remind(dt.date(2024, 3, 20)) == 1
    assert services.remind(dt.date(2024, 3, 20)) == 0
    assert services.remind(dt.date(2024, 4, 2)) == 1            # overdue
    assert "Overdue" in Notification.objects.latest("pk").text or "逾期" in Notification.objects.latest("pk").text


def test_submission_computes_registry_figures_and_review_returns_or_accepts(report, operator_user, officer, carrier, young_firm):
    tenant = services.add_tenant(carrier, young_firm, dt.date(2022, 5, 1))
    YearlyData.objects.create(enterprise=young_firm, year=2023, revenue=Decimal(250), rd_expense=Decimal(40), employees=12)
    with pytest.raises(ValidationError):
        services.submit_report(report, operator_user)       # typed figures missing
    with pytest.raises(PermissionDenied):
        services.save_report(report, FIGURES, officer)
    services.save_report(report, FIGURES, operator_user)
    services.submit_report(report, operator_user)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.computed["tenants"] == 1 and report.computed["tenant_revenue"] == "250.00" and report.computed["jobs"] == 12
    with pytest.raises(ValidationError):
        services.save_report(report, {"staff": 11}, operator_user)
    with pytest.raises(PermissionDenied):
        move(REPORT, report, "accept", operator_user)
    with pytest.raises(ValidationError):
        move(REPORT, report, "return", officer)             # a reason is required
    move(REPORT, report, "return", officer, comment="导师人数与名单不符")
    services.submit_report(report, operator_user)
    move(REPORT, report, "accept", officer)
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.reviewed_by == officer and tenant.pk


def test_the_reminder_command(report, operator_user):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("carrier_reminders", as_of="2024-03-25", stdout=out)
    assert out.getvalue().strip() == "1 reminders"
