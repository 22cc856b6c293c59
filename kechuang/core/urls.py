from django.contrib.auth import views as auth_views
from django.urls import include, path

from kechuang.core.audit_views import AuditLogView
from kechuang.core.auth_views import OTPSetupView, OTPVerifyView, PasswordChangeView
from kechuang.core.views import NotificationsView
from kechuang.core.views import export_job

app_name = "core"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", PasswordChangeView.as_view(), name="password-change"),
    path("account/otp/setup/", OTPSetupView.as_view(), name="otp-setup"),
    path("account/otp/", OTPVerifyView.as_view(), name="otp-verify"),
    path("audit/", AuditLogView.as_view(), name="audit-log"),
    path("notifications/", NotificationsView.as_view(), name="notifications"),
    path("exports/<int:pk>/", export_job, name="export"),
    path("", include("kechuang.core.imports.urls")),
]
