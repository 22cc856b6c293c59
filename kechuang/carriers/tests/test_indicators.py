import datetime as dt

from kechuang.carriers import services
from kechuang.carriers.choices import EventKind
from kechuang.carriers.models import Event
from kechuang.plan import indicators

D = dt.date


def test_named_queries_count_carriers_tenants_graduates_and_events(make_carrier, make_enterprise, officer):
    national = make_carrier("n1", recognised_on=D(2020, 1, 1))
    make_carrier("n2", recognised_on=D(2030, 1, 1))             # recognised after the date
    make_carrier("m1", kind="makerspace", level="district")
    firm, other = make_enterprise("甲"), make_enterprise("乙")
    services.add_tenant(national, firm, D(2022, 5, 1))
    gone = services.add_tenant(national, other, D(2021, 5, 1))
    services.graduate(gone, D(2024, 3, 1), officer, reason="测试：官员记录理由")
    Event.objects.create(code="e1", name="路演", kind=EventKind.ROADSHOW, starts=D(2024, 4, 1), ends=D(2024, 4, 1))
    on = D(2024, 6, 30)
    assert indicators.run("national_incubators", "120116", on).value == 1
    assert indicators.run("carriers", "120116", on).value == 2
    assert indicators.run("tenants_incubating", "120116", on).value == 1
    assert [t.enterprise.name for t in indicators.run("graduates", "120116", on).records] == ["乙"]
    assert indicators.run("innovation_events", "120116", on).value == 1
    assert indicators.run("tenants_incubating", "110101", on).value == 0
