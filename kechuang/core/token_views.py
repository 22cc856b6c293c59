"""`/api/token/`: issue (rotate) and revoke API tokens (`kechuang.core.tokens`)."""
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.core.audit import Actor, PendingEntry, append
from kechuang.core.choices import AuditAction
from kechuang.core.middleware import client_address, needs_second_factor
from kechuang.core.tokens import ExpiringTokenAuthentication, revoke_tokens, token_expires


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp_token = serializers.CharField(required=False, allow_blank=True)


class TokenView(APIView):
    """Issue (rotate) and revoke API tokens."""

    permission_classes = [AllowAny]
    authentication_classes = [ExpiringTokenAuthentication]
    serializer_class = TokenRequestSerializer

    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(request._request, username=form.validated_data["username"],
                            password=form.validated_data["password"])
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("Unable to log in with the given credentials."))
        code = form.validated_data.get("otp_token", "")
        if needs_second_factor(user) and (not code or match_token(user, code) is None):
            raise exceptions.AuthenticationFailed(_("This account needs a valid one-time code (otp_token)."))
        with transaction.atomic():
            revoke_tokens(user)
            token = Token.objects.create(user=user)
            append([PendingEntry(AuditAction.TOKEN_ISSUED, "core.user", str(user.pk), user.get_username())],
                   Actor(user.get_username(), client_address(request), user))
        return Response({"token": token.key, "expires": token_expires(token).isoformat()})

    def delete(self, request):
        if request.auth is None:
            raise exceptions.NotAuthenticated()
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
