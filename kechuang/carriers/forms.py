import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kechuang.carriers.choices import ROUND_NAMES, Destination, EventKind, TenantStatus
from kechuang.carriers.models import Carrier, CarrierReport
from kechuang.core.choices import Role
from kechuang.core.models import User
from kechuang.core.scoring import Criterion, check_criteria
from kechuang.registry.choices import Level
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


class EventForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name of the event"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    starts = forms.DateField(label=_("Starts"), widget=DateInput)
    ends = forms.DateField(label=_("Ends"), widget=DateInput)
    tracks = forms.CharField(label=_("Tracks"), required=False, max_length=300, help_text=_("Separated by 、 or commas."))
    prize_level = forms.ChoiceField(label=_("Awards count as registry prizes of level"), required=False,
                                    choices=[("", "—"), *Level.choices])
    organiser = forms.ModelChoiceField(label=_("Organising carrier (empty: the bureau)"), queryset=Carrier.objects.all(),
                                       required=False, to_field_name="code")

    def clean_tracks(self):
        return [t for t in re.split(r"[、,，;；\s]+", self.cleaned_data["tracks"]) if t]


def parse_criteria(text: str) -> list[Criterion]:
    """One criterion a line: 名称, 权重, 满分 (满分 defaults to 100)."""
    criteria = []
    for number, line in enumerate((l for l in text.splitlines() if l.strip()), start=1):
        parts = [p.strip() for p in re.split(r"[,，]", line)]
        if len(parts) not in (2, 3):
            raise forms.ValidationError(_("Line %(n)s: write 名称, 权重[, 满分].") % {"n": number})
        try:
            weight, maximum = Decimal(parts[1]), Decimal(parts[2] if len(parts) == 3 else 100)
        except ArithmeticError:
            raise forms.ValidationError(_("Line %(n)s: the weight and the maximum are numbers.") % {"n": number}) from None
        if not (weight.is_finite() and maximum.is_finite()) or abs(weight) > 1000 or abs(maximum) > 1000:
            raise forms.ValidationError(_("Line %(n)s: the weight and the maximum lie between 0 and 1000.") % {"n": number})
        criteria.append(Criterion(f"c{number}", parts[0][:60], weight, maximum))
    try:
        check_criteria(criteria)
    except ValidationError as error:
        raise forms.ValidationError(error.messages) from None
    return criteria


class RoundForm(forms.Form):
    name = forms.ChoiceField(label=_("Round"), choices=[(n, n) for n in ROUND_NAMES])
    mode = forms.CharField(label=_("Mode"), max_length=20, required=False, help_text=_("e.g. 网络评审, 现场答辩"))
    advance = forms.IntegerField(label=_("Entries advancing"), min_value=1, max_value=10000, required=False)
    criteria = forms.CharField(label=_("Criteria"), widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("One a line: 名称, 权重, 满分"))

    def clean_criteria(self):
        return parse_criteria(self.cleaned_data["criteria"])


class JudgeForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Review expert"), queryset=User.objects.filter(role=Role.EXPERT, is_active=True).order_by("username"))
    employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
    declared = forms.CharField(label=_("Declared conflicts"), max_length=500, required=False,
                               help_text=_("Names or USCCs of organisations, separated by 、 or commas."))

    def clean_declared(self):
        return [t for t in re.split(r"[、,，;；]+", self.cleaned_data["declared"]) if t.strip()]


class CarrierForm(forms.ModelForm):
    operator = UsccField(label=_("Operator (USCC)"))

    class Meta:
        model = Carrier
        fields = ["code", "name", "kind", "level", "recognised_on", "recognition_document", "operator", "cluster", "field",
                  "specialised", "floor_area", "address", "region"]
        widgets = {"recognised_on": DateInput, "region": forms.TextInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["operator"] = self.instance.operator.uscc
            self.fields["code"].disabled = True
