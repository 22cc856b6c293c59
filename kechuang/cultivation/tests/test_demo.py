"""The demo builds a history the funnel can show, through the same services as real use."""
import datetime as dt
import io
import random
from dataclasses import replace

from kechuang.core.audit import verify_chain
from kechuang.core.choices import Role
from kechuang.cultivation import demo
from kechuang.cultivation.choices import Stage, Tier
from kechuang.cultivation.models import Enrollment
from kechuang.demo.context import DemoContext
from kechuang.policy import demo as policy_demo
from kechuang.registry.models import Certificate

AS_OF = dt.date(2026, 6, 30)


def test_demo_history(make_enterprise, officer):
    certified = [make_enterprise() for _ in range(4)]
    for n, enterprise in enumerate(certified):
        Certificate.objects.create(
            enterprise=enterprise, kind=Tier.HNTE, number=f"GR20240{n}", issued=dt.date(2024 + n % 2, 9 + n, 20)
        )
    others = [make_enterprise() for _ in range(6)]
    make_enterprise(region_id="110101001")  # outside the district: never part of its history
    out = io.StringIO()
    context = DemoContext(seed="t", as_of=AS_OF, enterprise_count=11, stdout=out, users={Role.OFFICER: officer},
                          rng=random.Random("t:cultivation"))

    policy_demo.populate(replace(context, stdout=io.StringIO()))  # the screening the current cohort comes from
    demo.populate(context)

    hnte = Enrollment.objects.for_tier(Tier.HNTE)
    recognised = hnte.filter(stage=Stage.RECOGNISED)
    assert {e.enterprise for e in recognised} == set(certified)
    assert all(e.certificate.enterprise == e.enterprise and e.enrolled_on <= e.certificate.issued for e in recognised)
    assert hnte.filter(stage=Stage.EXITED).exclude(exit_reason="").exists()
    assert set(hnte.values_list("enterprise__region_id", flat=True)) == {"120116406"}
    assert {row["year"] for row in hnte.funnel()} >= {2024, 2025}
    for row in Enrollment.objects.all():
        dates = [d for _, d in row.stage_dates() if d]
        assert dates == sorted(dates) and max(dates) <= AS_OF
    assert verify_chain().ok
    assert out.getvalue().startswith("cultivation: ")
    assert len({e.enterprise_id for e in hnte}) <= len(certified) + len(others)
