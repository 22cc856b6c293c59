from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.bounds import COUNT_MAX, BoundedIntegerField, YearField
from kechuang.core.choices import IndustryLevel
from kechuang.core.models import Industry
from kechuang.registry.models import Enterprise
from kechuang.talent.choices import SensitiveField
from kechuang.talent.models import Consent, DirectoryRow, Edition, EmployerDemand, Talent


class TalentForm(forms.ModelForm):
    # Typed in, never shown back: an edit form starts empty and a blank field keeps the stored number.
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    employer_uscc = forms.CharField(label=_("Employer's unified social credit code"), max_length=18)
    birth_year = YearField(label=_("Birth year"))
    recognition_year = YearField(label=_("Recognition year"), required=False)

    class Meta:
        model = Talent
        fields = [
            "name", "gender", "birth_year", "id_number", "phone", "email", "education", "title", "field",
            "position", "level", "recognition_year", "recognition_document", "mode", "arrival_date",
        ]
        widgets = {"arrival_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["id_number"].help_text = _("Stored: %(masked)s. Leave blank to keep it.") % {"masked": self.instance.id_masked}
            self.fields["phone"].help_text = _("Stored: %(masked)s. Leave blank to keep it.") % {"masked": self.instance.phone_masked or "—"}
        else:
            self.fields["id_number"].required = True
        if self.instance.employer_id:
            self.fields["employer_uscc"].initial = self.instance.employer.uscc

    def clean_employer_uscc(self):
        code = self.cleaned_data["employer_uscc"].strip().upper()
        employer = Enterprise.objects.filter(uscc=code).first()
        if employer is None:
            raise forms.ValidationError(_("No unit with this code is in the registry."))
        self.instance.employer = employer
        return code


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("Which number"), choices=SensitiveField.choices)
    reason = forms.CharField(label=_("Reason (recorded in the audit trail)"), max_length=300)


class RemovalForm(forms.Form):
    reason = forms.CharField(label=_("Basis of the removal (the person's request: date and form)"), max_length=300)


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "necessity", "form", "given_on", "withdrawn_on"]
        widgets = {"given_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "withdrawn_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class EditionForm(forms.ModelForm):
    year = YearField(label=_("Year"))

    class Meta:
        model = Edition
        fields = ["year", "title", "collect_until", "document"]
        widgets = {"collect_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class DirectoryRowForm(forms.ModelForm):
    wanted = BoundedIntegerField(label=_("Number wanted"), min_value=1, max_value=COUNT_MAX)

    class Meta:
        model = DirectoryRow
        fields = ["industry", "field", "position", "profile", "programme", "education", "scarcity", "wanted"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Sections and divisions: a directory row names an industry broadly (a row for 65 covers 6513).
        self.fields["industry"].queryset = Industry.objects.filter(level__in=(IndustryLevel.SECTION, IndustryLevel.DIVISION))


class DemandForm(forms.ModelForm):
    wanted = BoundedIntegerField(label=_("Number wanted"), min_value=1, max_value=COUNT_MAX)

    class Meta:
        model = EmployerDemand
        fields = ["field", "position", "profile", "education", "wanted"]
