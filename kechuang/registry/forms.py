from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.registry.models import Enterprise, YearlyData
from kechuang.registry.services import CONTACT_FIELDS, YEARLY_FIGURES, yearly_problems


class ContactsForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = CONTACT_FIELDS


class YearlyDataForm(forms.ModelForm):
    """One year's figures as an enterprise reports them; checked by the same rules as the yearly import."""

    class Meta:
        model = YearlyData
        fields = ["year", *YEARLY_FIGURES]
        help_texts = {field: _("10k yuan") for field in YEARLY_FIGURES if field not in ("employees", "tech_staff")}

    def __init__(self, *args, year_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if year_fixed:
            self.fields["year"].disabled = True

    def clean(self):
        cleaned = super().clean()
        for field, reason in yearly_problems(cleaned).items():
            if field not in self.errors:
                self.add_error(field, reason)
        return cleaned
