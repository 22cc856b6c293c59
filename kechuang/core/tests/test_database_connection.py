"""A web worker's PostgreSQL connection: kept for the worker's life, replaced when the server dropped it."""
import time

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite opens its file again for each request"),
]


def backend(wrapper) -> int:
    with wrapper.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


@pytest.fixture
def worker():
    """A connection configured as a worker's is (the product's settings), outside the test's transaction."""
    wrapper = type(connections["default"])(dict(connection.settings_dict), alias="worker")
    yield wrapper
    wrapper.close()


def test_a_worker_keeps_its_connection_through_a_quiet_hour(worker, monkeypatch):
    pid = backend(worker)
    later = time.monotonic() + 3600
    monkeypatch.setattr(time, "monotonic", lambda: later)
    worker.close_if_unusable_or_obsolete()  # what Django does as each request starts and ends
    assert backend(worker) == pid


def test_a_connection_the_server_dropped_is_replaced_at_the_next_request(worker):
    pid = backend(worker)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", [pid])
    worker.close_if_unusable_or_obsolete()
    assert backend(worker) != pid  # the request's first statement runs on a new connection, no error
