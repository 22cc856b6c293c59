"""Typed readers for settings that come from the environment.

A bad value stops start-up with a message naming the variable, rather than
running with a silently wrong configuration.
"""
import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_proxy_header(name: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from "Header-Name: value" (e.g. "X-Forwarded-Proto: https"), as Django wants it:
    ("HTTP_X_FORWARDED_PROTO", "https"). Unset means no proxy is trusted to say the request came over HTTPS."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, separator, value = raw.partition(":")
    if not separator or not header.strip() or not value.strip():
        raise ImproperlyConfigured(f"{name} must look like 'X-Forwarded-Proto: https', got {raw!r}")
    return "HTTP_" + header.strip().upper().replace("-", "_"), value.strip()


def database_from_url(url: str, base_dir) -> dict:
    """Django DATABASES['default'] from a DATABASE_URL (sqlite:///path or postgres://…)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:////abs/path.sqlite3 is absolute, sqlite:///var/x.sqlite3 is relative to the repo.
        path = unquote(url[len("sqlite:///"):])
        name = path if path.startswith("/") else str(base_dir / (path or "var/kechuang.sqlite3"))
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        # No statement may hold a worker longer than this (0 turns the limit off).
        timeout_ms = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30_000)
        options["options"] = f"{options.get('options', '')} -c statement_timeout={timeout_ms}".strip()
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "kechuang",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            # A worker keeps its connection as long as it lives: a new one costs its request ≈ 30 ms
            # (connecting, the new server process reading its catalogs), which a lifetime of 60 s made
            # nearly every request of a quiet site pay. A connection the server has dropped is replaced
            # at the start of the next request instead of failing it.
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use sqlite or postgres)")
