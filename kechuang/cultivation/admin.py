from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from kechuang.cultivation.models import CultivationAction, Enrollment


class CultivationActionInline(TabularInline):
    model = CultivationAction
    extra = 0
    fields = ("date", "kind", "note", "officer")


@admin.register(Enrollment)
class EnrollmentAdmin(ModelAdmin):
    list_display = ("enterprise", "tier", "year", "stage", "officer", "score", "gap_count")
    list_filter = ("tier", "stage", "year")
    search_fields = ("enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise", "officer", "certificate")
    # Stage moves go through the pipeline services (they check the declared transitions and roles).
    readonly_fields = ("stage", "candidate_on", "enrolled_on", "cultivating_on", "recognised_on", "exited_on", "certificate")
    inlines = [CultivationActionInline]

    def has_add_permission(self, request):
        # Enrollments start from the screening (遴选), through the services, never from a blank form.
        return False

    def get_queryset(self, request):
        return Enrollment.objects.visible_to(request.user).select_related("enterprise", "officer")


@admin.register(CultivationAction)
class CultivationActionAdmin(ModelAdmin):
    list_display = ("enrollment", "kind", "date", "officer")
    list_filter = ("kind",)
    search_fields = ("enrollment__enterprise__name", "note")
    raw_id_fields = ("enrollment", "officer")

    def get_queryset(self, request):
        return CultivationAction.objects.visible_to(request.user).select_related("enrollment__enterprise", "officer")
