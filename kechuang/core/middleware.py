import datetime as dt
import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kechuang.core.audit import Actor, reset_actor, set_actor
from kechuang.core.choices import SECOND_FACTOR_ROLES

LOGIN_AT_SESSION_KEY = "kechuang_login_at"
PREVIOUS_VISIT_SESSION_KEY = "kechuang_previous_visit"
# Pages a user must reach before the policy lets them anywhere else: logging in and out, changing the
# password, setting up or entering the second factor, choosing a language.
POLICY_EXEMPT_URLS = frozenset({
    "core:login", "core:logout", "core:password-change", "core:otp-setup", "core:otp-verify",
    "admin:logout", "set_language", "api-token",
})


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def request_actor(request) -> Actor:
    """Who is acting in `request`, read when an entry is written: by then DRF has authenticated a token
    and set `request.user` on the underlying request too."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Actor(user.get_username(), client_address(request), user)
    return Actor("anonymous", client_address(request))


class RequestContextMiddleware:
    """Attributes audit entries written during a request to its user and address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_actor(lambda: request_actor(request))
        try:
            return self.get_response(request)
        finally:
            reset_actor(token)


def needs_second_factor(user) -> bool:
    return bool(settings.KECHUANG_REQUIRE_OTP and user.is_authenticated
                and (user.is_superuser or user.role in SECOND_FACTOR_ROLES))


def password_expired(user) -> bool:
    days = settings.KECHUANG_PASSWORD_MAX_AGE_DAYS
    changed = getattr(user, "password_changed_at", None)
    return bool(days and changed and timezone.now() - changed > dt.timedelta(days=days))


class AuthenticationPolicyMiddleware:
    """The login rules of 等保 2.0 level 3 for every page, the admin and the API with a session:
    an absolute session limit, the second factor for the roles that need one, and password expiry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        started = request.session.get(LOGIN_AT_SESSION_KEY)
        if started is None:
            request.session[LOGIN_AT_SESSION_KEY] = time.time()
        elif time.time() - started > settings.KECHUANG_SESSION_ABSOLUTE_SECONDS:
            logout(request)
            return self._refuse(request, "core:login", _("Your session has ended; please log in again."))
        if self._exempt(request):
            return self.get_response(request)
        if needs_second_factor(user) and not user.is_verified():
            has_device = user.totpdevice_set.filter(confirmed=True).exists()
            return self._refuse(
                request, "core:otp-verify" if has_device else "core:otp-setup",
                _("Enter the code from your authenticator app."),
            )
        if password_expired(user):
            return self._refuse(request, "core:password-change", _("Your password has expired; please change it."))
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in POLICY_EXEMPT_URLS

    @staticmethod
    def _refuse(request, url_name: str, message: str):
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")
