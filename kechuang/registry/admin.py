"""Back office for the registry: officers keep the data, leaders look at it; every queryset goes
through `visible_to`, like the pages and the API."""
from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from kechuang.core.backoffice import RoleModelAdminMixin
from kechuang.core.choices import Role
from kechuang.registry.models import (
    Award,
    Certificate,
    CompetitionPrize,
    Enterprise,
    IntellectualProperty,
    Investment,
    Project,
    RDInstitution,
    Standard,
    YearlyData,
)


class RegistryAccess(RoleModelAdminMixin):
    view_roles = frozenset({Role.LEADER})
    edit_roles = frozenset({Role.OFFICER})

    def get_queryset(self, request):
        queryset = self.model.objects.visible_to(request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


class YearlyInline(RegistryAccess, TabularInline):
    model = YearlyData
    extra = 0
    fields = ("year", "employees", "tech_staff", "revenue", "rd_expense", "rd_expense_domestic", "source", "source_date")


class CertificateInline(RegistryAccess, TabularInline):
    model = Certificate
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(RegistryAccess, ModelAdmin):
    list_display = ("name", "uscc", "region", "industry", "high_tech_domain", "status", "established")
    list_filter = ("status", "high_tech_domain")
    search_fields = ("name", "uscc")
    autocomplete_fields = ("region", "industry", "high_tech_domain")
    filter_horizontal = ("members",)
    inlines = (YearlyInline, CertificateInline)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(role=Role.ENTERPRISE, is_active=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(YearlyData)
class YearlyDataAdmin(RegistryAccess, ModelAdmin):
    list_display = ("enterprise", "year", "employees", "tech_staff", "revenue", "rd_expense", "source", "source_date")
    list_filter = ("year", "source")
    search_fields = ("enterprise__name", "enterprise__uscc")
    autocomplete_fields = ("enterprise",)


@admin.register(IntellectualProperty)
class IntellectualPropertyAdmin(RegistryAccess, ModelAdmin):
    list_display = ("number", "title", "kind", "status", "filed", "granted", "expires", "acquired_by")
    list_filter = ("kind", "status", "acquired_by")
    search_fields = ("number", "title", "owners__name", "owners__uscc")
    autocomplete_fields = ("owners",)


@admin.register(Certificate)
class CertificateAdmin(RegistryAccess, ModelAdmin):
    list_display = ("enterprise", "kind", "number", "issued", "expires")
    list_filter = ("kind",)
    search_fields = ("number", "enterprise__name", "enterprise__uscc")
    autocomplete_fields = ("enterprise",)


class RecordAdmin(RegistryAccess, ModelAdmin):
    list_display = ("enterprise", "name")
    search_fields = ("name", "enterprise__name", "enterprise__uscc")
    autocomplete_fields = ("enterprise",)


for record_model in (Award, RDInstitution, Standard, Investment, Project, CompetitionPrize):
    admin.site.register(record_model, RecordAdmin)
