"""Filters shared by the voucher pages and the REST API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from kechuang.vouchers.choices import ALL_CATEGORIES, ClaimState, ProviderKind, ProviderStatus
from kechuang.vouchers.models import Claim, Provider, Scheme, Service

CATEGORY_CHOICES = [(c, c) for c in ALL_CATEGORIES]


class ClaimFilterSet(django_filters.FilterSet):
    scheme = django_filters.ModelChoiceFilter(label=_("Scheme"), queryset=Scheme.objects.all(), to_field_name="code")
    state = django_filters.ChoiceFilter(label=_("State"), choices=ClaimState.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=CATEGORY_CHOICES)
    q = django_filters.CharFilter(label=_("Enterprise or provider"), method="filter_search")

    class Meta:
        model = Claim
        fields = ["scheme", "state", "category"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(enterprise__name__icontains=value.strip()) | queryset.filter(
            provider__name__icontains=value.strip()
        )


class ServiceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=CATEGORY_CHOICES)
    is_instrument = django_filters.BooleanFilter(label=_("Large instruments only"))

    class Meta:
        model = Service
        fields = ["category", "is_instrument"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class ProviderFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProviderStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProviderKind.choices)
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Provider
        fields = ["status", "kind"]
