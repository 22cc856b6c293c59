"""Back office for plans: officers edit (yearly targets, task division, demo values), leaders look."""
from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from kechuang.core.backoffice import RoleModelAdminMixin
from kechuang.core.choices import Role
from kechuang.plan.models import (
    Area, Evidence, Indicator, ManualFigure, Milestone, Plan, ProgressReport, Safeguard, Task, YearTarget,
)

OFFICERS = frozenset({Role.OFFICER})
LEADERS = frozenset({Role.LEADER})


class PlanAdminBase(RoleModelAdminMixin, ModelAdmin):
    view_roles = LEADERS
    edit_roles = OFFICERS

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = getattr(queryset, "visible_to", None)
        return visible(request.user) if visible else queryset


class YearTargetInline(TabularInline):
    model = YearTarget
    extra = 0


class MilestoneInline(TabularInline):
    model = Milestone
    extra = 0


class EvidenceInline(TabularInline):
    model = Evidence
    extra = 0


class SafeguardInline(TabularInline):
    model = Safeguard
    extra = 0


@admin.register(Plan)
class PlanAdmin(PlanAdminBase):
    list_display = ("name", "code", "document_number", "start_year", "end_year", "parent")
    search_fields = ("name", "code", "document_number")
    inlines = [SafeguardInline]


@admin.register(Indicator)
class IndicatorAdmin(PlanAdminBase):
    list_display = ("name", "code", "plan", "unit", "direction", "target", "kind", "query")
    list_filter = ("plan", "kind")
    inlines = [YearTargetInline]

    def save_formset(self, request, form, formset, change):
        # A yearly target an officer has set is no longer the demo's guess.
        for target_form in formset.forms:
            if target_form.has_changed() and isinstance(target_form.instance, YearTarget):
                target_form.instance.is_demo = False
        super().save_formset(request, form, formset, change)


@admin.register(Area)
class AreaAdmin(PlanAdminBase):
    list_display = ("code", "title", "plan")
    list_filter = ("plan",)


@admin.register(Task)
class TaskAdmin(PlanAdminBase):
    list_display = ("code", "title", "plan", "lead_department", "deadline", "is_demo")
    list_filter = ("plan", "lead_department", "is_demo")
    search_fields = ("code", "title", "text")
    filter_horizontal = ("co_departments",)
    inlines = [MilestoneInline]

    def save_model(self, request, obj, form, change):
        if form.has_changed():
            obj.is_demo = False  # the division is now the officer's, not the demo's
        super().save_model(request, obj, form, change)


@admin.register(ProgressReport)
class ProgressReportAdmin(PlanAdminBase):
    list_display = ("task", "period", "percent", "state", "submitted_by", "submitted_at")
    list_filter = ("state", "task__lead_department")
    # The state moves only through the declared workflow (services.move), never by editing the row.
    readonly_fields = ("state", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_comment")
    inlines = [EvidenceInline]


@admin.register(ManualFigure)
class ManualFigureAdmin(PlanAdminBase):
    list_display = ("plan", "key", "date", "value", "source", "entered_by")
    list_filter = ("plan", "key")
