from django.contrib import admin
from unfold.admin import ModelAdmin

from kechuang.core.backoffice import RoleModelAdminMixin
from kechuang.core.choices import Role
from kechuang.vouchers.models import Claim, Provider, Scheme, Service


class VoucherAccess(RoleModelAdminMixin, ModelAdmin):
    """Schemes come from their files and claims move only through their workflow: the back office reads."""

    view_roles = frozenset({Role.OFFICER, Role.LEADER})
    superuser_may_edit = False


@admin.register(Scheme)
class SchemeAdmin(VoucherAccess):
    list_display = ("code", "name", "kind", "year", "budget", "valid_from", "valid_to", "verified")


@admin.register(Provider)
class ProviderAdmin(VoucherAccess):
    list_display = ("name", "uscc", "kind", "status")
    list_filter = ("status", "kind")
    search_fields = ("name", "uscc")


@admin.register(Service)
class ServiceAdmin(VoucherAccess):
    list_display = ("name", "provider", "category", "price", "unit", "is_instrument")
    list_filter = ("category", "is_instrument")


@admin.register(Claim)
class ClaimAdmin(VoucherAccess):
    list_display = ("pk", "scheme", "enterprise", "provider", "category", "fee", "subsidy", "state")
    list_filter = ("state", "scheme")
