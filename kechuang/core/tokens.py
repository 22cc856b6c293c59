"""API tokens that expire, rotate and are revoked.

`POST /api/token/` (username, password, and `otp_token` for the roles that need a second factor) issues a
new token and revokes the user's previous one; `DELETE /api/token/` revokes the token it is called with.
A token stops working `KECHUANG_API_TOKEN_TTL_SECONDS` after it was issued, and is revoked when its
user logs out or their password changes (`kechuang.core.signals`)."""
import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_expires(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(seconds=settings.KECHUANG_API_TOKEN_TTL_SECONDS)


def revoke_tokens(user) -> None:
    Token.objects.filter(user=user).delete()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expires(token) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed(_("Token has expired; request a new one."))
        return user, token
