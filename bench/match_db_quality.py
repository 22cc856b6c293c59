"""The quality of the ranking the product serves (the database index) on both labelled sets, each signal
alone, the fusion and both char-bigram baselines, in both directions (`kechuang/techmarket/served_quality.py`).

    .venv/bin/python bench/match_db_quality.py                       # a new SQLite file in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<empty db> .venv/bin/python bench/match_db_quality.py

On PostgreSQL give it a database of its own: it replaces every achievement and demand in it.
bench/match_bench.py measures the in-memory engine (`kechuang match` on files); the two differ in the
lexical score (docs/matching.md, "Served from the database").
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='kc-quality-')}/quality.sqlite3"
os.environ.setdefault("KECHUANG_DATA_DIR", tempfile.mkdtemp(prefix="kc-quality-data-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from kechuang.techmarket import served_quality  # noqa: E402
from kechuang.techmarket.matching.evaluate import SETS, load_evalset  # noqa: E402
from kechuang.techmarket.models import Achievement, Demand  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    for label, directory in SETS.items():
        demands, achievements, _qrels, _kinds = load_evalset(directory)
        t = time.perf_counter()
        tables = served_quality.figures(directory)
        print(f"\n## {label}: {len(demands)} demands × {len(achievements)} achievements "
              f"({connection.vendor}, {time.perf_counter() - t:.1f} s in all)")
        for direction, rows in tables.items():
            print(f"\n| {direction} | nDCG@10 | Recall@10 | MRR |\n|---|---|---|---|")
            for name, m in rows.items():
                print(f"| {name} | {m['ndcg@10']:.3f} | {m['recall@10']:.3f} | {m['mrr']:.3f} |")
    Achievement.objects.all().delete()
    Demand.objects.all().delete()


if __name__ == "__main__":
    main()
