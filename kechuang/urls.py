"""Every installed Kechuang app's pages and REST API, found rather than listed: an app with a `urls.py`
is served under `<label>/` (or its AppConfig's `url_prefix`, "" for the apps at the root), and one with
`api/urls.py` under `api/`. A new app adds nothing here."""
from importlib.util import find_spec

from django.apps import apps
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from kechuang.core.token_views import TokenView


def _project_apps():
    return [config for config in apps.get_app_configs() if config.name.startswith("kechuang.")]


def _has(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:  # the parent package (e.g. `api`) does not exist
        return False


page_apps = [config for config in _project_apps() if _has(f"{config.name}.urls")]
api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("token/", TokenView.as_view(), name="api-token"),
    *[path("", include(f"{config.name}.api.urls")) for config in _project_apps() if _has(f"{config.name}.api.urls")],
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    # Apps under a prefix first, then those at the root, so that a root app's catch-all never hides a page.
    *[path(f"{config.label}/", include(f"{config.name}.urls")) for config in page_apps if getattr(config, "url_prefix", None) is None],
    *[path(config.url_prefix, include(f"{config.name}.urls")) for config in page_apps if getattr(config, "url_prefix", None) is not None],
]
