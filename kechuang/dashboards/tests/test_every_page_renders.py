"""Every page, .xlsx export and API list that needs no argument answers every role without a server
error, on a small demo district (so the pages have real records to draw)."""
import io
import re

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


HREF = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
NOT_PAGES = ("/admin/", "/i18n/", "/logout/", "/api/", "/static/", "/media/")


def crawl(client, start: list[str], limit: int):
    """Follow same-site links breadth-first from `start`; yields (url, status)."""
    seen, queue = set(start), list(start)
    for _ in range(limit):
        if not queue:
            return
        url = queue.pop(0)
        response = client.get(url)
        yield url, response.status_code
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for link in HREF.findall(response.content.decode()):
            if link not in seen and not link.startswith(NOT_PAGES) and not link.endswith((".docx", ".xlsx")):
                seen.add(link)
                queue.append(link)


@pytest.mark.django_db
def test_links_a_page_shows_lead_to_pages_that_open(client):
    # A link to a page that then refuses (403/404) is a broken promise, or a record shown too widely.
    call_command("demo", enterprises=30, seed="crawl", stdout=io.StringIO())
    for role in Role.values:
        client.force_login(get_user_model().objects.get(username=role))
        visited = list(crawl(client, ["/"], limit=150))
        assert not [f"{url} → {status}" for url, status in visited if status not in (200, 302)], role
        assert len(visited) > 10, role
