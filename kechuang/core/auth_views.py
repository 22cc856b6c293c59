"""Own-account pages every role has: changing the password and setting up or entering the second factor."""
import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kechuang.core.audit import PendingEntry, append
from kechuang.core.choices import AuditAction


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if safe else default


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/auth/password_change.html"
    success_url = reverse_lazy("dashboards:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


class OTPTokenForm(forms.Form):
    otp_token = forms.CharField(label=gettext_lazy("One-time code"), max_length=8,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


def qr_svg(text: str) -> str:
    """The QR code of `text` as an inline SVG, drawn here (no network, no image service)."""
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


class OTPSetupView(LoginRequiredMixin, FormView):
    """Registers an authenticator app: shows the secret as a QR code, confirms it with one code."""

    template_name = "core/auth/otp_setup.html"
    form_class = OTPTokenForm

    def device(self) -> TOTPDevice:
        user = self.request.user
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return redirect(f"{reverse_lazy('core:otp-verify')}?next={_next_url(request)}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = self.device()
        return super().get_context_data(
            qr=mark_safe(qr_svg(device.config_url)),
            secret=base64.b32encode(device.bin_key).decode(),
            next=_next_url(self.request),
            **kwargs,
        )

    def form_valid(self, form):
        device = self.device()
        if not device.verify_token(form.cleaned_data["otp_token"]):
            form.add_error("otp_token", _("The code is wrong or has expired."))
            return self.form_invalid(form)
        device.confirmed = True
        device.save()
        otp_login(self.request, device)
        user = self.request.user
        append([PendingEntry(AuditAction.OTP_DEVICE, "core.user", str(user.pk), user.get_username())])
        return redirect(_next_url(self.request))


class OTPVerifyView(LoginRequiredMixin, FormView):
    template_name = "core/auth/otp_verify.html"
    form_class = OTPTokenForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)

    def form_valid(self, form):
        for device in TOTPDevice.objects.filter(user=self.request.user, confirmed=True):
            if device.verify_is_allowed()[0] and device.verify_token(form.cleaned_data["otp_token"]):
                otp_login(self.request, device)
                return redirect(_next_url(self.request))
        form.add_error("otp_token", _("The code is wrong or has expired."))
        return self.form_invalid(form)
