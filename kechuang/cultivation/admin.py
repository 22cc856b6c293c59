"""Back office view of the pipeline. It is read-only, superusers included: every change goes through the
pipeline services (declared transitions, roles, all-or-nothing, audit), which the pages call."""
from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from kechuang.core.backoffice import RoleModelAdminMixin
from kechuang.core.choices import Role
from kechuang.cultivation.models import CultivationAction, Enrollment


class PipelineAccess(RoleModelAdminMixin):
    view_roles = frozenset({Role.OFFICER, Role.LEADER})
    superuser_may_edit = False

    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user)


class CultivationActionInline(PipelineAccess, TabularInline):
    model = CultivationAction
    extra = 0
    fields = ("date", "kind", "note", "officer")


@admin.register(Enrollment)
class EnrollmentAdmin(PipelineAccess, ModelAdmin):
    list_display = ("enterprise", "tier", "year", "stage", "officer", "score", "gap_count")
    list_filter = ("tier", "stage", "year")
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise", "officer")
    inlines = [CultivationActionInline]


@admin.register(CultivationAction)
class CultivationActionAdmin(PipelineAccess, ModelAdmin):
    list_display = ("enrollment", "kind", "date", "officer")
    list_filter = ("kind",)
    search_fields = ("enrollment__enterprise__name", "note")
    list_select_related = ("enrollment__enterprise", "officer")
