from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core import clock
from kechuang.finance.choices import Board, FinancingForm, FinancingPurpose, ListingStage, PoolTier
from kechuang.finance.models import ListingEntry


class DateInput(forms.DateInput):
    input_type = "date"


class EnterpriseCodeField(forms.CharField):
    """An enterprise of the registry named by its 统一社会信用代码."""

    def clean(self, value):
        from kechuang.registry.models import Enterprise

        code = super().clean(value).strip().upper()
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise in the registry has this unified social credit code."))
        return enterprise


class EntryForm(forms.Form):
    enterprise = EnterpriseCodeField(label=_("Unified social credit code"), max_length=18)
    board = forms.ChoiceField(label=_("Target board"), choices=Board.choices)
    entered_on = forms.DateField(label=_("Entered the pool on"), widget=DateInput, initial=clock.today)
    sponsor = forms.CharField(label=_("Sponsor (保荐机构)"), max_length=200, required=False)
    law_firm = forms.CharField(label=_("Law firm"), max_length=200, required=False)
    audit_firm = forms.CharField(label=_("Audit firm"), max_length=200, required=False)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=ListingStage.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput, initial=clock.today)
    tier = forms.ChoiceField(label=_("Pool tier (empty: the stage's default)"), choices=[("", "—"), *PoolTier.choices], required=False)
    reason = forms.CharField(label=_("Reason (required to move backward or leave)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FiguresForm(forms.ModelForm):
    class Meta:
        model = ListingEntry
        fields = ["sponsor", "law_firm", "audit_firm", "market_value", "share_capital_after", "net_profit_1", "net_profit_2",
                  "net_profit_3", "cash_flow_1", "cash_flow_2", "cash_flow_3", "roe_1", "roe_2", "neeq_innovation_12m",
                  "approved_products", "note"]


class FollowUpForm(forms.Form):
    need = forms.CharField(label=_("Need raised"), widget=forms.Textarea(attrs={"rows": 2}))
    handler = forms.CharField(label=_("Handled by"), max_length=100)
    raised_on = forms.DateField(label=_("Raised on"), widget=DateInput, initial=clock.today)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), max_length=500)
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput, initial=clock.today)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Planned for"), widget=DateInput, required=False)
    done_on = forms.DateField(label=_("Reached on"), widget=DateInput, required=False)


class DemandForm(forms.Form):
    enterprise = EnterpriseCodeField(label=_("Unified social credit code"), max_length=18, required=False)
    amount = forms.CharField(label=_("Amount sought (10k yuan)"))
    form = forms.ChoiceField(label=_("Form"), choices=FinancingForm.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=FinancingPurpose.choices)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=360, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class FundingForm(forms.Form):
    amount = forms.CharField(label=_("Amount granted or invested (10k yuan)"))
    date = forms.DateField(label=_("Date"), widget=DateInput, initial=clock.today)
