"""Filters shared by the list pages and the REST API (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.bounds import YearFilter
from kechuang.core.datadate import data_date, page_date
from kechuang.core.choices import DomainLevel, IndustryLevel, IPClass
from kechuang.core.models import HighTechDomain, Industry, IPKind, Region
from kechuang.registry.choices import CertificateKind, IPStatus, RegistrationStatus
from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty, YearlyData


def industry_condition(code: str) -> Q:
    """Enterprises whose 小类 lies under `code`: a 4-digit class, a 3/2-digit group or division (as a
    prefix), or a section letter. The classes are looked up in the small reference table, so the
    enterprise table is matched by key rather than by pattern."""
    code = code.strip().upper()
    classes = Industry.objects.filter(level=IndustryLevel.CLASS)
    classes = classes.filter(parent__parent__parent_id=code) if code.isalpha() else classes.under(code)
    return Q(industry__in=classes.values("code"))


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or USCC"), method="filter_search")
    industry = django_filters.CharFilter(label=_("Industry code"), method="filter_industry")
    domain = django_filters.ModelChoiceFilter(
        label=_("High-tech domain"),
        queryset=HighTechDomain.objects.filter(level=DomainLevel.DOMAIN),
        method="filter_domain",
    )
    region = django_filters.CharFilter(label=_("Region code"), method="filter_region")
    certificate = django_filters.ChoiceFilter(
        label=_("Valid certificate"), choices=CertificateKind.choices, method="filter_certificate"
    )
    status = django_filters.ChoiceFilter(label=_("Registration status"), choices=RegistrationStatus.choices)
    in_district = django_filters.ChoiceFilter(
        label=_("In the district"), choices=[("true", _("yes")), ("false", _("no"))], method="filter_in_district"
    )

    class Meta:
        model = Enterprise
        fields = ["q", "industry", "domain", "region", "certificate", "status", "in_district"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_industry(self, queryset, name, value):
        return queryset.filter(industry_condition(value))

    def filter_domain(self, queryset, name, value: HighTechDomain):
        return queryset.filter(high_tech_domain__in=HighTechDomain.objects.under(value.code).values("code"))

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__in=Region.objects.under(value.strip()).values("code"))

    def filter_certificate(self, queryset, name, value):
        # Valid on the page's date (`?as_of=`, else the data's date), as the home page counted them.
        on = page_date(self.request).date if self.request is not None else data_date()
        holders = Certificate.objects.valid_on(on).filter(kind=value).values("enterprise_id")
        return queryset.filter(pk__in=holders)

    def filter_in_district(self, queryset, name, value):
        district = Enterprise.objects.in_district().values("pk")
        return queryset.filter(pk__in=district) if value == "true" else queryset.exclude(pk__in=district)


class IntellectualPropertyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number, title or owner"), method="filter_search")
    kind = django_filters.ModelChoiceFilter(label=_("Kind"), queryset=IPKind.objects.all())
    ip_class = django_filters.ChoiceFilter(label=_("IP class"), choices=IPClass.choices, field_name="kind__ip_class")
    status = django_filters.ChoiceFilter(label=_("Legal status"), choices=IPStatus.choices)
    owner = django_filters.CharFilter(label=_("Owner USCC"), field_name="owners__uscc")
    valid_on = django_filters.DateFilter(label=_("Valid on"), method="filter_valid_on")

    class Meta:
        model = IntellectualProperty
        fields = ["q", "kind", "ip_class", "status", "owner", "valid_on"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value) | Q(title__icontains=value) | Q(owners__name__icontains=value)
        ).distinct()

    def filter_valid_on(self, queryset, name, value):
        return queryset.valid_on(value)


class CertificateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Enterprise or number"), method="filter_search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CertificateKind.choices)
    enterprise = django_filters.CharFilter(label=_("Enterprise USCC"), field_name="enterprise__uscc")
    valid_on = django_filters.DateFilter(label=_("Valid on"), method="filter_valid_on")
    expires_before = django_filters.DateFilter(label=_("Expires on or before"), field_name="expires", lookup_expr="lte")

    class Meta:
        model = Certificate
        fields = ["q", "kind", "enterprise", "valid_on", "expires_before"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value) | Q(enterprise__name__icontains=value) | Q(enterprise__uscc__icontains=value.upper())
        )

    def filter_valid_on(self, queryset, name, value):
        return queryset.valid_on(value)


class YearlyDataFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(label=_("Enterprise USCC"), field_name="enterprise__uscc")
    year = YearFilter(label=_("Year"))
    year_from = YearFilter(label=_("From year"), field_name="year", lookup_expr="gte")
    year_to = YearFilter(label=_("To year"), field_name="year", lookup_expr="lte")

    class Meta:
        model = YearlyData
        fields = ["enterprise", "year", "year_from", "year_to"]
