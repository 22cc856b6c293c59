import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.projects import services
from kechuang.projects.models import Expert

BANDS = [
    {"label": "重点项目", "minimum": 50, "maximum": 200, "share": "0.7", "per_firm": 200},
    {"label": "一般项目", "minimum": 10, "maximum": 50, "share": "0.3", "per_firm": 200},
]
CRITERIA = [
    {"key": "innovation", "label": "创新性", "weight": 40, "maximum": 40},
    {"key": "feasibility", "label": "可行性", "weight": 30, "maximum": 30},
    {"key": "benefit", "label": "预期效益", "weight": 30, "maximum": 30},
]
SCHEDULE = [{"kind": "signing", "share": "0.4"}, {"kind": "mid_term", "share": "0.4"}, {"kind": "acceptance", "share": "0.2"}]
FORM = [{"key": "summary", "label": "项目摘要", "required": True}, {"key": "team", "label": "团队介绍", "identifying": True}]
ATTACHMENTS = [{"key": "plan", "label": "可行性报告"}]
BUDGET = {"equipment": (40, 60), "labour": (20, 40)}  # own, requested: own 60, requested 100, total 160
PDF = b"%PDF-1.4\n%test\n"


def pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def officer_user(make_user):
    return make_user(Role.OFFICER)


@pytest.fixture
def make_call(officer_user):
    def make(code="kjxm-2026", publish=True, **overrides):
        today = clock.today()
        fields = dict(code=code, title="2026年关键核心技术攻关项目", programme="key_technology", year=today.year,
                      budget=500, opens_on=today - dt.timedelta(days=10), deadline=today + dt.timedelta(days=20),
                      bands=BANDS, criteria=CRITERIA, payment_schedule=SCHEDULE, form_fields=FORM,
                      attachments=ATTACHMENTS)
        fields.update(overrides)
        call = services.create_call(officer_user, **fields)
        return services.publish_call(call, officer_user) if publish else call

    return make


@pytest.fixture
def call(make_call):
    return make_call()


@pytest.fixture
def firm(make_enterprise, make_user):
    enterprise = make_enterprise("滨海量子科技有限公司")
    enterprise.members.add(make_user(Role.ENTERPRISE))
    return enterprise


def member(enterprise):
    return enterprise.members.first()


@pytest.fixture
def make_application():
    def make(call, enterprise, requested=100, band=0, submit=True, co_applicants=(), title="高性能量子传感器研制"):
        user = member(enterprise)
        application = services.start_application(call, user, title=title, field=_field(), leader="张伟", band=band,
                                                 enterprise=enterprise)
        own = Decimal(160) - Decimal(requested)
        services.save_application(
            application, user, answers={"summary": "研制高灵敏度量子传感器", "team": "天津大学团队"},
            budget={"equipment": (own, Decimal(requested) - 40), "labour": (0, 40)}, own_funds=own, requested=requested,
            total_cost=160, co_applicants=list(co_applicants))
        services.attach(application, user, "plan", pdf())
        if submit:
            services.submit(application, user)
        application.refresh_from_db()
        return application

    return make


def _field():
    from kechuang.core.models import HighTechDomain

    return HighTechDomain.objects.get(code="10")


@pytest.fixture
def make_expert(make_user):
    def make(name, employer="南开大学", field="10", user=True, **fields):
        account = make_user(Role.EXPERT, organisation=employer) if user else None
        return Expert.objects.create(user=account, name=name, field_id=field, employer=employer, **fields)

    return make
