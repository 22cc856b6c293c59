"""Filters shared by the finance pages and the REST API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from kechuang.core.bounds import YearFilter
from kechuang.finance.choices import Board, DemandState, FinancingForm, ListingStage, PoolTier, ProductKind
from kechuang.finance.models import FinancingDemand, ListingEntry, ListingScreening, PointsScore, Product


class SearchMixin:
    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__icontains=value) | queryset.filter(enterprise__uscc__icontains=value.upper())


class EntryFilterSet(SearchMixin, django_filters.FilterSet):
    board = django_filters.ChoiceFilter(label=_("Target board"), choices=Board.choices)
    tier = django_filters.ChoiceFilter(label=_("Pool tier"), choices=PoolTier.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=ListingStage.choices)
    q = django_filters.CharFilter(label=_("Enterprise"), method="filter_search")

    class Meta:
        model = ListingEntry
        fields = ["board", "tier", "stage"]


class CandidateFilterSet(SearchMixin, django_filters.FilterSet):
    board = django_filters.ChoiceFilter(label=_("Board"), choices=[(b, Board(b).label) for b in ("main", "star", "chinext", "bse")])
    suggested = django_filters.BooleanFilter(label=_("Suggested (not a near-miss)"))
    q = django_filters.CharFilter(label=_("Enterprise"), method="filter_search")

    class Meta:
        model = ListingScreening
        fields = ["board", "suggested"]


class DemandFilterSet(SearchMixin, django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=DemandState.choices)
    form = django_filters.ChoiceFilter(label=_("Form"), choices=FinancingForm.choices)
    q = django_filters.CharFilter(label=_("Enterprise"), method="filter_search")

    class Meta:
        model = FinancingDemand
        fields = ["state", "form"]


class ProductFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProductKind.choices)

    class Meta:
        model = Product
        fields = ["kind"]


class PointsFilterSet(SearchMixin, django_filters.FilterSet):
    year = YearFilter(label=_("Year"))
    q = django_filters.CharFilter(label=_("Enterprise"), method="filter_search")

    class Meta:
        model = PointsScore
        fields = ["year"]
