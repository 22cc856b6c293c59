import django_filters
from django.utils.translation import gettext_lazy as _

from kechuang.core.bounds import YearFilter
from kechuang.talent.choices import Education, Mode
from kechuang.talent.models import Programme, Talent


class TalentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or employer"), method="filter_search")
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), field_name="level__programme", queryset=Programme.objects.all(), to_field_name="code"
    )
    field = django_filters.CharFilter(label=_("Technical field code"), method="filter_field")
    education = django_filters.ChoiceFilter(label=_("Education"), choices=Education.choices)
    mode = django_filters.ChoiceFilter(label=_("How introduced"), choices=Mode.choices)
    recognition_year = YearFilter(label=_("Recognition year"))

    class Meta:
        model = Talent
        fields = ["programme", "education", "mode", "recognition_year"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) | queryset.filter(employer__name__icontains=value)

    def filter_field(self, queryset, name, value):
        return queryset.filter(field__code__startswith=value.strip())
