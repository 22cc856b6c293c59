"""Filters shared by the carrier pages and the REST API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from kechuang.carriers.choices import CarrierKind, CarrierLevel, Cluster, EventKind, EventState, ReportState, TenantStatus
from kechuang.carriers.models import Carrier, CarrierReport, Event, Tenant
from kechuang.core.bounds import YearFilter


class CarrierFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=CarrierKind.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=CarrierLevel.choices)
    cluster = django_filters.ChoiceFilter(label=_("Cluster"), choices=Cluster.choices)
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")

    class Meta:
        model = Carrier
        fields = ["kind", "level", "cluster"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(name__icontains=value.strip())


class TenantFilterSet(django_filters.FilterSet):
    carrier = django_filters.ModelChoiceFilter(label=_("Carrier"), queryset=Carrier.objects.all(), to_field_name="code")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TenantStatus.choices)
    q = django_filters.CharFilter(label=_("Enterprise"), method="filter_search")

    class Meta:
        model = Tenant
        fields = ["carrier", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        if request is not None:
            self.filters["carrier"].queryset = Carrier.objects.visible_to(request.user)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__icontains=value) | queryset.filter(enterprise__uscc=value.upper())


class EventFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=EventState.choices)

    class Meta:
        model = Event
        fields = ["kind", "state"]


class ReportFilterSet(django_filters.FilterSet):
    year = YearFilter(label=_("Year"))
    state = django_filters.MultipleChoiceFilter(label=_("State"), choices=ReportState.choices)

    class Meta:
        model = CarrierReport
        fields = ["year", "state"]
