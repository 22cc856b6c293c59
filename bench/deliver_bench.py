"""What the outbox's exactly-once claim costs, and whether two deliverers at once still send each e-mail once.

Queues N outbox e-mails in a migrated database, then times `deliver()` through Django's in-memory e-mail
backend (so the figures are the outbox's own cost, not a mail server's), first with one deliverer, then
with two running at once on a fresh queue, and checks every message went out exactly once. The rows it
queued are deleted at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deliver_bench .venv/bin/python bench/deliver_bench.py [--emails 2000]
"""
import argparse
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()


def queue(n: int, tag: str):
    from kechuang.core.models import OutboxEmail

    OutboxEmail.objects.bulk_create(
        [OutboxEmail(to=f"bench{i}@example.org", subject=f"{tag} {i}", body="基准测试") for i in range(n)], batch_size=1000
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    from django.core.mail.backends.locmem import EmailBackend
    from django.db import connection

    from kechuang.core.models import OutboxEmail
    from kechuang.core.notifications import deliver

    class Recorder(EmailBackend):
        sent = Counter()
        lock = threading.Lock()

        def send_messages(self, messages):
            with self.lock:
                self.sent.update(message.subject for message in messages)
            return len(messages)

    try:
        queue(args.emails, "single")
        start = time.perf_counter()
        result = deliver(connection=Recorder())
        single = time.perf_counter() - start
        print(f"one deliverer:  {result.sent} e-mails in {single:.2f} s = {result.sent / single:.0f} /s")

        queue(args.emails, "pair")
        barrier, results = threading.Barrier(2), []

        def run():
            barrier.wait()
            results.append(deliver(connection=Recorder()))
            connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        pair = time.perf_counter() - start
        sent = sum(r.sent for r in results)
        pair_counts = [count for subject, count in Recorder.sent.items() if subject.startswith("pair ")]
        print(f"two deliverers: {sent} e-mails in {pair:.2f} s = {sent / pair:.0f} /s "
              f"(split {' + '.join(str(r.sent) for r in results)}); ratio to one: {single / pair:.2f}x")
        print(f"sent exactly once: {len(pair_counts) == args.emails and set(pair_counts) == {1}} "
              f"({len(pair_counts)} distinct, most copies of one: {max(pair_counts)})")
    finally:
        OutboxEmail.objects.filter(to__startswith="bench", to__endswith="@example.org").delete()


if __name__ == "__main__":
    main()
