from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token

API_APPS = ["registry", "policy", "cultivation", "techmarket", "vouchers", "plan"]
PAGE_APPS = ["registry", "cultivation", "techmarket", "vouchers", "plan"]

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("token/", obtain_auth_token, name="api-token"),
    *[path("", include(f"kechuang.{app}.api.urls")) for app in API_APPS],
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    *[path(f"{app}/", include(f"kechuang.{app}.urls")) for app in PAGE_APPS],
    path("", include("kechuang.core.urls")),
    path("", include("kechuang.dashboards.urls")),
]
