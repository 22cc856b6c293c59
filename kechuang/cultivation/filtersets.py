import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kechuang.core.bounds import IntegerFilter, YearFilter
from kechuang.core.choices import Role
from kechuang.cultivation.choices import Stage, Tier
from kechuang.cultivation.models import Enrollment
from kechuang.policy.models import ScreeningResult
from kechuang.registry.models import Enterprise


def officers():
    return get_user_model().objects.filter(role=Role.OFFICER, is_active=True).order_by("username")


class EnterpriseSearchMixin(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Enterprise name or code"), method="search")

    def search(self, queryset, name, value):
        return queryset.filter(enterprise__in=Enterprise.objects.search(value))


class EnrollmentFilterSet(EnterpriseSearchMixin):
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=Tier.choices)
    year = YearFilter(label=_("Cohort year"))
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    officer = django_filters.ModelChoiceFilter(label=_("Officer in charge"), queryset=officers())

    class Meta:
        model = Enrollment
        fields = ["tier", "year", "stage", "officer"]


class CandidateFilterSet(EnterpriseSearchMixin):
    gap_count = IntegerFilter(label=_("Gaps"), max_value=1000)

    class Meta:
        model = ScreeningResult
        fields = ["gap_count"]


class FreeBenefitFilterSet(EnterpriseSearchMixin):
    ruleset_key = django_filters.ChoiceFilter(label=_("Tier"), choices=Tier.choices)

    class Meta:
        model = ScreeningResult
        fields = ["ruleset_key"]
