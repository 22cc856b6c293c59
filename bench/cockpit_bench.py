"""The plan cockpit on a demo district: does it read past years' closing values from storage?

    DATABASE_URL=sqlite:///var/cmds_100k.sqlite3 .venv/bin/python bench/cockpit_bench.py [--as-of 2022-06-30] [--repeat 5]

Renders the seed plan's cockpit in-process (an officer's session, Django's test client) in three states:
with no stored year-end (every past 31 December measured, then stored), warm (stored values read), and
after a record behind one figure changed (a certificate saved: only the year-ends it can move measured
again). For each it prints the wall and CPU milliseconds (median of --repeat for the warm state), the
queries, and how many indicator measurements were on a past 31 December: zero when the cockpit reads
stored values. It changes one certificate's number and puts it back.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default="2022-06-30")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    os.environ["KECHUANG_REQUIRE_OTP"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kechuang.core import clock
    from kechuang.core.choices import Role
    from kechuang.core.models import User
    from kechuang.plan import indicators
    from kechuang.plan.apps import SEED_PLAN_CODE
    from kechuang.plan.models import Plan, YearEndValue
    from kechuang.registry.models import Certificate, Enterprise

    settings.ALLOWED_HOSTS = ["*"]
    plan = Plan.objects.get(code=SEED_PLAN_CODE)
    officer = User.objects.filter(role=Role.OFFICER, is_active=True).order_by("pk").first()
    client = Client()
    client.force_login(officer)
    url = f"/plan/{plan.code}/?as_of={args.as_of}"
    past_measures = []
    run = indicators.run

    def counting(name, region, on, plan=None):
        if (on.month, on.day) == (12, 31) and on.year < clock.today().year:
            past_measures.append((name, on))
        return run(name, region, on, plan)

    indicators.run = counting

    def view() -> tuple[float, float, int, int]:
        past_measures.clear()
        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000, len(queries), len(past_measures)

    print(f"# {Enterprise.objects.count():,} enterprises, {Certificate.objects.count():,} certificates, "
          f"database {connection.vendor}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| state | wall ms | CPU ms | queries | measurements of a past 31 Dec | year-ends stored |")
    print("|---|---|---|---|---|---|")

    def line(state, wall, cpu, queries, past):
        print(f"| {state} | {wall:.0f} | {cpu:.0f} | {queries} | {past} | {YearEndValue.objects.filter(indicator__plan=plan).count()} |", flush=True)

    YearEndValue.objects.filter(indicator__plan=plan).delete()
    line("none stored (first view)", *view())
    warm = [view() for _ in range(args.repeat)]
    line(f"stored (median of {args.repeat})", *(statistics.median(v[i] for v in warm) for i in range(3)), max(v[3] for v in warm))
    certificate = Certificate.objects.order_by("pk").first()
    number = certificate.number
    certificate.number = f"{number}-B"
    certificate.save()
    certificate.number = number
    certificate.save()
    line("a certificate saved", *view())
    line("stored again", *view())
    print(f"# load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
