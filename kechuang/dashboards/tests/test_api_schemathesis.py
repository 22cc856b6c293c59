"""schemathesis walks the OpenAPI schema (/api/schema/) as an officer and as an enterprise user, over a
small demo district, and no request it generates gets a server error. Bounded for CI: a fixed number of
examples per operation and a derandomised seed, so a run is repeatable and takes a minute or two."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.authtoken.models import Token

from kechuang.core.choices import Role

try:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import settings as hypothesis_settings
except ImportError as missing:  # a test dependency: `scripts/bootstrap test` installs it
    schemathesis = None
    SKIP_REASON = f"schemathesis cannot load: {missing}"
else:
    SKIP_REASON = ""

EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def demo_tokens(db):
    call_command("demo", enterprises=20, seed="schemathesis", stdout=io.StringIO())
    users = get_user_model().objects
    return {role: Token.objects.get_or_create(user=users.get(username=role))[0].key for role in (Role.OFFICER, Role.ENTERPRISE)}


@pytest.fixture
def wsgi_app_in_the_test_transaction():
    """The WSGI application, kept from closing the database connection after each request (as Django's
    own test client does), so that its requests see the test's data and the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def server_errors(schema, token: str) -> tuple[list[str], int]:
    failures, calls = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
            phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case):
            nonlocal calls
            calls += 1
            response = case.call(headers={"Authorization": f"Token {token}"})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query or ''} {case.body!r:.200} → {response.status_code}")

        call()
    return failures, calls


@pytest.mark.django_db
@pytest.mark.skipif(schemathesis is None, reason=SKIP_REASON)
def test_no_generated_api_request_gets_a_server_error(demo_tokens, wsgi_app_in_the_test_transaction, capsys):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app_in_the_test_transaction)
    totals = {}
    for role, token in demo_tokens.items():
        failures, calls = server_errors(schema, token)
        totals[role] = calls
        assert failures == [], role
    with capsys.disabled():
        print(f"\nschemathesis: {len(list(schema.get_all_operations()))} operations, requests per role {totals}, 0 server errors")
