"""`scripts/serve-production` really serves: gunicorn with several workers under the production settings,
against the test database, answering the login page and a static file collected for WhiteNoise."""
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kechuang.core.backup import backup

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "serve-production"
HTTPS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url_for_a_subprocess(tmp_path) -> str:
    """The test database as another process can open it: an SQLite copy, or the PostgreSQL test database."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "kechuang.sqlite3"
        backup(copy)
        return f"sqlite:///{copy}"
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def fetch(url: str, headers: dict | None = None):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_serving(base: str, server: subprocess.Popen, log: Path, seconds: int = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"serve-production stopped with {server.returncode}:\n{log.read_text()}")
        try:
            fetch(base + "/login/", HTTPS)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"serve-production did not answer in {seconds} s:\n{log.read_text()}")


@pytest.mark.django_db(transaction=True)
def test_the_production_server_serves_the_login_page_and_static_files(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"},
        "DATABASE_URL": database_url_for_a_subprocess(tmp_path),
        "KECHUANG_DATA_DIR": str(tmp_path / "data"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
        "GUNICORN_LOG_LEVEL": "info",
    }
    env.pop("KECHUANG_ENV", None)  # the script itself chooses the production profile
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen([str(SCRIPT)], env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_serving(base, server, log)

        plain_status, plain_headers, _ = fetch(base + "/login/")
        assert plain_status == 301 and plain_headers["Location"].startswith("https://")

        status, headers, body = fetch(base + "/login/", HTTPS)
        page = body.decode()
        assert status == 200 and 'name="csrfmiddlewaretoken"' in page
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "script-src 'self';" in headers["Content-Security-Policy"]

        stylesheet = re.search(r'href="(/static/kechuang/app\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page links the hashed name collectstatic wrote"
        status, headers, css = fetch(base + stylesheet.group(1), HTTPS)
        assert status == 200 and headers["Content-Type"].startswith("text/css") and css
        assert "immutable" in headers["Cache-Control"]
        assert (tmp_path / "data" / "static" / "staticfiles.json").is_file()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    booted = re.findall(r"Booting worker with pid", log.read_text())
    assert len(booted) >= 2, log.read_text()
