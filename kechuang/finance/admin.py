from django.contrib import admin
from unfold.admin import ModelAdmin

from kechuang.core.backoffice import RoleModelAdminMixin
from kechuang.core.choices import Role
from kechuang.finance.models import Fund, Institution, Product


class CatalogueAccess(RoleModelAdminMixin, ModelAdmin):
    """Funds, institutions and products are data the district enters: officers keep them, leaders read."""

    view_roles = frozenset({Role.LEADER})
    edit_roles = frozenset({Role.OFFICER})


@admin.register(Fund)
class FundAdmin(CatalogueAccess):
    list_display = ("name", "level", "manager", "size")
    list_filter = ("level",)
    search_fields = ("name", "manager")


@admin.register(Institution)
class InstitutionAdmin(CatalogueAccess):
    list_display = ("name", "kind", "contact")
    list_filter = ("kind",)


@admin.register(Product)
class ProductAdmin(CatalogueAccess):
    list_display = ("name", "institution", "kind", "amount_min", "amount_max", "active")
    list_filter = ("kind", "active")
