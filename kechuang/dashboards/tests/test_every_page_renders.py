"""Every page, .xlsx export and API list that needs no argument answers every role without a server
error, on a small demo district (so the pages have real records to draw)."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kechuang.core.choices import Role
from kechuang.dashboards.tests.urlwalk import argument_free_urls


@pytest.mark.django_db(transaction=False)
def test_no_page_fails_for_any_role(client):
    call_command("demo", enterprises=30, seed="smoke", stdout=io.StringIO())
    urls = argument_free_urls()
    failures, answered = [], 0
    for role in Role.values:
        client.force_login(get_user_model().objects.get(username=role))
        for url in urls:
            for query in ("", "?export=xlsx"):
                status = client.get(url + query).status_code
                answered += status == 200
                if status >= 500:
                    failures.append(f"{role} {url}{query} → {status}")
    assert not failures
    assert answered > 200
