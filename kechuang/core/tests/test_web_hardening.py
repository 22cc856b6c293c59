"""Web hardening: production settings pass `check --deploy`, every page carries a Content-Security-Policy
that allows no inline script (and no template has one), private responses are not cached, and HTTPS,
HSTS and secure cookies follow the environment."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from kechuang.env import env_proxy_header


def production_environment(**extra) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(KECHUANG_ENV="production", ALLOWED_HOSTS="kechuang.example.gov.cn", **extra)
    return env


def test_check_deploy_is_clean_under_the_production_settings():
    result = subprocess.run(
        [sys.executable, "-m", "kechuang", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_environment(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_production_profile_turns_every_protection_on():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.ALLOWED_HOSTS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=production_environment(
            DJANGO_SETTINGS_MODULE="kechuang.settings",
            SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
            CSRF_TRUSTED_ORIGINS="https://kechuang.example.gov.cn",
        ),
        capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.strip() == (
        "True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https') "
        "['https://kechuang.example.gov.cn'] ['kechuang.example.gov.cn']"
    ), result.stderr


def test_proxy_header_is_read_as_django_wants_it(monkeypatch):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    assert env_proxy_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "https")
    with pytest.raises(ImproperlyConfigured, match="X-Forwarded-Proto"):
        env_proxy_header("SECURE_PROXY_SSL_HEADER")
    monkeypatch.delenv("SECURE_PROXY_SSL_HEADER")
    assert env_proxy_header("SECURE_PROXY_SSL_HEADER") is None


@pytest.mark.django_db
def test_https_redirect_hsts_and_secure_cookies(client, settings, make_user):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get(reverse("core:login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = client.get(reverse("core:login"), headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert proxied.cookies["csrftoken"]["secure"]
    make_user("officer", username="secure-officer")
    login = client.post(
        reverse("core:login"), {"username": "secure-officer", "password": "Kc-test-pass-2022"},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert login.status_code == 302
    assert login.cookies["sessionid"]["secure"] and login.cookies["sessionid"]["httponly"]


def policy(response) -> dict[str, list[str]]:
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }


@pytest.mark.django_db
def test_every_page_allows_scripts_from_the_site_only(client, officer):
    client.force_login(officer)
    for url in (reverse("core:login"), reverse("dashboards:home"), reverse("techmarket:overview")):
        response = client.get(url)
        assert policy(response)["script-src"] == ["'self'"], url
        assert policy(response)["object-src"] == ["'none'"]
        assert policy(response)["frame-ancestors"] == ["'none'"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_back_office_has_its_own_policy(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "'unsafe-eval'" in policy(response)["script-src"]


@pytest.mark.django_db
def test_private_responses_are_never_stored(client, officer):
    assert "no-store" not in client.get("/no-such-page/").get("Cache-Control", "")  # anonymous, public
    assert "no-store" in client.get("/api/registry/enterprises/")["Cache-Control"]  # refused, still not stored
    client.force_login(officer)
    for url in ("/", "/registry/enterprises/", "/registry/enterprises/?export=xlsx", "/api/registry/enterprises/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def template_files() -> list[Path]:
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [Path(config.path) / "templates" for config in apps.get_app_configs() if config.name.startswith("kechuang.")]
    return sorted(path for folder in folders if folder.is_dir() for path in folder.rglob("*.html"))


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def test_no_template_carries_inline_script():
    templates = template_files()
    assert len(templates) > 30
    offenders = [
        f"{path}: {pattern.pattern}"
        for path in templates
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, SCRIPT_URL)
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_the_inline_script_check_catches_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert INLINE_HANDLER.search('<select onchange="this.form.submit()">')
    assert not INLINE_HANDLER.search('<select data-submit-on-change>')
