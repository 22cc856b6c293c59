from django.contrib.auth import views as auth_views
from django.urls import include, path

from kechuang.core.audit_views import AuditLogView
from kechuang.core.views import export_job

app_name = "core"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", AuditLogView.as_view(), name="audit-log"),
    path("exports/<int:pk>/", export_job, name="export"),
    path("", include("kechuang.core.imports.urls")),
]
