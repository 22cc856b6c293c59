"""gunicorn settings of bench/match_db_bench.py: the production ones (deploy/gunicorn.conf.py), plus a
line on stderr when a worker is ready to serve (Django started and `index.warm_up()` done), so the bench
knows when to send its first request and what each worker's start cost."""
import runpy
import sys
import time
from pathlib import Path

globals().update(runpy.run_path(str(Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py")))


def post_fork(server, worker):
    worker.forked_at = time.monotonic()


def post_worker_init(worker):
    print(f"bench: worker {worker.pid} ready {time.monotonic() - worker.forked_at:.3f}", file=sys.stderr, flush=True)
