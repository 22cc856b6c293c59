"""Filters shared by the plan's list pages and its REST API."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Department
from kechuang.plan.choices import ReportState
from kechuang.plan.models import ManualFigure, Plan, ProgressReport, Task


class PlanFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="filter_search")

    class Meta:
        model = Plan
        fields = ["q"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class TaskFilterSet(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=Plan.objects.all(), to_field_name="code")
    lead_department = django_filters.ModelChoiceFilter(label=_("Lead department"), queryset=Department.objects.all())
    q = django_filters.CharFilter(label=_("Text"), method="filter_search")

    class Meta:
        model = Task
        fields = ["plan", "lead_department", "q"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value) | Q(code__icontains=value))


class ProgressReportFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=ReportState.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Lead department"), queryset=Department.objects.all(), field_name="task__lead_department"
    )
    period = django_filters.CharFilter(label=_("Period"))

    class Meta:
        model = ProgressReport
        fields = ["state", "department", "period"]


class ManualFigureFilterSet(django_filters.FilterSet):
    key = django_filters.CharFilter(label=_("Figure"))

    class Meta:
        model = ManualFigure
        fields = ["key"]
