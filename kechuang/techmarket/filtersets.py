"""Filters shared by the list pages and the REST API (django-filter)."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.bounds import IntegerFilter, YearFilter
from kechuang.core.choices import DomainLevel
from kechuang.core.models import HighTechDomain
from kechuang.techmarket.choices import (
    AchievementStatus,
    BuyerLocation,
    ChallengeStatus,
    ContractStatus,
    ContractType,
    DemandStatus,
    InstitutionKind,
    MatchStage,
    SolutionMode,
    TransferMode,
)
from kechuang.techmarket.models import Achievement, Challenge, Demand, Match, TechContract

TOP_DOMAINS = HighTechDomain.objects.filter(level=DomainLevel.DOMAIN)


class SearchFilterSet(django_filters.FilterSet):
    """A free-text box answered by the model's QuerySet.search(), and the top-level high-tech domain."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    domain = django_filters.ModelChoiceFilter(label=_("High-tech domain"), queryset=TOP_DOMAINS, method="filter_domain")

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_domain(self, queryset, name, value: HighTechDomain):
        return queryset.filter(high_tech_domain__code__startswith=value.code)


class AchievementFilterSet(SearchFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AchievementStatus.choices)
    owner_kind = django_filters.ChoiceFilter(label=_("Owner kind"), choices=InstitutionKind.choices, field_name="owner__kind")
    mode = django_filters.ChoiceFilter(label=_("Transfer mode"), choices=TransferMode.choices, method="filter_mode")
    min_maturity = IntegerFilter(label=_("TRL at least"), field_name="maturity", lookup_expr="gte", min_value=1, max_value=9)

    class Meta:
        model = Achievement
        fields = ["q", "domain", "status", "owner_kind", "mode", "min_maturity"]

    def filter_mode(self, queryset, name, value):
        field = next(field for field, mode in Achievement.MODE_FIELDS if mode == value)
        return queryset.filter(**{field: True})


class DemandFilterSet(SearchFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DemandStatus.choices)
    solution_mode = django_filters.ChoiceFilter(label=_("Solution mode"), choices=SolutionMode.choices)

    class Meta:
        model = Demand
        fields = ["q", "domain", "status", "solution_mode"]


class MatchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Demand or achievement"), method="filter_search")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=MatchStage.choices)
    year = YearFilter(label=_("Year recommended"), field_name="created_at", lookup_expr="year")

    class Meta:
        model = Match
        fields = ["q", "stage", "year"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(demand__title__icontains=value) | Q(achievement__title__icontains=value))


class ChallengeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ChallengeStatus.choices)
    unanswered = django_filters.BooleanFilter(label=_("Open and not yet answered by me"), method="filter_unanswered")

    class Meta:
        model = Challenge
        fields = ["q", "status", "unanswered"]

    def filter_unanswered(self, queryset, name, value):
        return queryset.unanswered_by(self.request.user) if value else queryset


class ContractFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number, name, seller or buyer"), method="filter_search")
    contract_type = django_filters.ChoiceFilter(label=_("Contract type"), choices=ContractType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ContractStatus.choices)
    year = YearFilter(label=_("Registration year"), field_name="registered_on", lookup_expr="year")
    domain = django_filters.ModelChoiceFilter(
        label=_("Seller's high-tech domain"), queryset=TOP_DOMAINS, method="filter_domain"
    )
    location = django_filters.ChoiceFilter(label=_("Buyer location"), choices=BuyerLocation.choices, method="filter_location")
    district_seller = django_filters.BooleanFilter(label=_("Seller in the district"), method="filter_district_seller")

    class Meta:
        model = TechContract
        fields = ["q", "contract_type", "status", "year", "domain", "location", "district_seller"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_domain(self, queryset, name, value: HighTechDomain):
        return queryset.filter(seller__high_tech_domain__code__startswith=value.code)

    def filter_location(self, queryset, name, value):
        return queryset.buyer_location().filter(location=value)

    def filter_district_seller(self, queryset, name, value):
        district = TechContract.objects.sold_from_district().values("pk")
        return queryset.filter(pk__in=district) if value else queryset.exclude(pk__in=district)
