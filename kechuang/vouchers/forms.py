from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.registry.models import Enterprise
from kechuang.vouchers.choices import ALL_CATEGORIES
from kechuang.vouchers.models import Provider, Scheme, Service

FEE = {"max_digits": 16, "decimal_places": 2, "min_value": Decimal("0.01"), "max_value": Decimal("1000000")}


class ClaimForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none(), to_field_name="code")
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.verified())
    category = forms.ChoiceField(label=_("Category"), choices=[(c, c) for c in ALL_CATEGORIES])
    service = forms.ModelChoiceField(label=_("Service (optional)"), queryset=Service.objects.listed(), required=False)
    fee = forms.DecimalField(label=_("Agreed fee (10k yuan)"), **FEE)
    intention = forms.CharField(label=_("Agreed service intention (number or summary)"), max_length=200, required=False)

    def __init__(self, *args, enterprises, on, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first()
        self.fields["scheme"].queryset = Scheme.objects.filter(valid_from__lte=on, valid_to__gte=on)


class RedemptionForm(forms.Form):
    invoice_no = forms.CharField(label=_("Invoice number"), max_length=40)
    fee_paid = forms.DecimalField(label=_("Fee actually paid (10k yuan)"), **FEE)


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["category", "name", "description", "price", "unit", "is_instrument", "instrument_model",
                  "instrument_owner", "location", "active"]
        widgets = {"category": forms.Select(choices=[(c, c) for c in ALL_CATEGORIES])}

    price = forms.DecimalField(label=_("Price (10k yuan)"), max_digits=16, decimal_places=2, min_value=Decimal("0"),
                               max_value=Decimal("1000000"))


class BookingForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    starts_at = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first()


class ProviderApplicationForm(forms.ModelForm):
    """A service provider applies to be listed (服务机构入库申请)."""

    categories = forms.MultipleChoiceField(
        label=_("Service categories"), choices=[(c, c) for c in ALL_CATEGORIES], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Provider
        fields = ["uscc", "name", "kind", "categories", "contact", "phone"]

    def clean_uscc(self):
        from kechuang.registry.validators import uscc_problem

        code = "".join(self.cleaned_data["uscc"].split()).upper()
        problem = uscc_problem(code)
        if problem:
            raise forms.ValidationError(problem)
        return code
