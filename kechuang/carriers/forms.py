from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.carriers.choices import Destination, TenantStatus
from kechuang.carriers.models import Carrier, CarrierReport
from kechuang.registry.models import Enterprise


class UsccField(forms.CharField):
    """An enterprise of the registry, by its USCC."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Unified social credit code"))
        super().__init__(max_length=18, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        enterprise = Enterprise.objects.filter(uscc=value.strip().upper()).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise in the registry has the code “%(value)s”.") % {"value": value})
        return enterprise


class DateInput(forms.DateInput):
    input_type = "date"


class TenantForm(forms.Form):
    carrier = forms.ModelChoiceField(label=_("Carrier"), queryset=Carrier.objects.none(), to_field_name="code")
    enterprise = UsccField()
    entered = forms.DateField(label=_("Entry date"), widget=DateInput)
    exited = forms.DateField(label=_("Exit date"), required=False, widget=DateInput)
    space = forms.DecimalField(label=_("Space used (m²)"), required=False, min_value=0, max_digits=12, decimal_places=2)

    def __init__(self, *args, carriers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = carriers


class GraduationForm(forms.Form):
    date = forms.DateField(label=_("Graduation date"), widget=DateInput)
    destination = forms.ChoiceField(label=_("Destination"), choices=Destination.choices)
    destination_carrier = forms.ModelChoiceField(label=_("Next carrier"), queryset=Carrier.objects.all(), required=False,
                                                 to_field_name="code")
    reason = forms.CharField(label=_("Officer's reason (only where the criteria are not met)"), required=False, max_length=300)


class LeaveForm(forms.Form):
    date = forms.DateField(label=_("Exit date"), widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), choices=[(TenantStatus.MOVED_OUT, TenantStatus.MOVED_OUT.label),
                                                           (TenantStatus.CANCELLED, TenantStatus.CANCELLED.label)])


class ReportForm(forms.ModelForm):
    class Meta:
        model = CarrierReport
        fields = ["staff", "professional_staff", "mentors", "incubation_fund", "service_income", "rent_income",
                  "investment_cases", "services_delivered", "events_held"]


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Project"), max_length=200)
    track = forms.CharField(label=_("Track"), max_length=60, required=False)
    enterprise = UsccField(required=False, help_text=_("Leave empty for a team not yet registered."))
    team_name = forms.CharField(label=_("Team"), max_length=200, required=False)
    team_leader = forms.CharField(label=_("Team leader"), max_length=50, required=False)


class LinkForm(forms.Form):
    enterprise = UsccField()


class InvestorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    institution = forms.CharField(label=_("Institution"), max_length=200)


class FollowUpForm(forms.Form):
    investor = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    entry = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
