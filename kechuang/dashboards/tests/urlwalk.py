"""Every page and API list of the project that needs no argument, for tests that walk them all."""
from django.urls import URLPattern, URLResolver, get_resolver

# Not pages: the back office has its own walk (registry tests), the rest are actions or files.
SKIPPED_PREFIXES = ("admin/", "i18n/", "logout/", "api/schema/", "api/token/")


def _piece(pattern) -> str:
    # DRF routers write regular expressions (^plans/$); path() routes are literal here.
    return str(pattern).removeprefix("^").removesuffix("$")


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + _piece(entry.pattern))
        elif isinstance(entry, URLPattern) and not entry.pattern.regex.groupindex:
            yield "/" + prefix + _piece(entry.pattern)


def argument_free_urls():
    return sorted({url for url in _walk(get_resolver().url_patterns) if not url[1:].startswith(SKIPPED_PREFIXES)})
