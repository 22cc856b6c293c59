import datetime as dt
import io
import random

from kechuang.core import demo as core_demo
from kechuang.demo.context import DemoContext
from kechuang.plan import demo
from kechuang.plan.evaluation import read_plan
from kechuang.plan.models import ProgressReport, YearTarget


def test_demo_fills_the_annexes_flagged_as_demo(seed_plan):
    context = DemoContext(seed="1", as_of=dt.date(2022, 12, 31), enterprise_count=10, stdout=io.StringIO(), rng=random.Random(1))
    core_demo.populate(context.for_part("core"))
    demo.populate(context.for_part("plan"))
    assert seed_plan.tasks.assigned().count() == 24 and not seed_plan.tasks.filter(is_demo=False).exists()
    assert YearTarget.objects.filter(is_demo=True).count() == 21
    assert seed_plan.indicators.get(code="rd_intensity").year_target(2022) == seed_plan.indicators.get(code="rd_intensity").target
    assert ProgressReport.objects.exists()
    assert not ProgressReport.objects.filter(submitted_at__date__gt=dt.date(2022, 12, 31)).exists()
    rd = next(r for r in read_plan(seed_plan, dt.date(2022, 12, 31), with_forecast=False) if r.indicator.code == "rd_intensity")
    assert rd.actual == demo.RD_INTENSITY[2022]
