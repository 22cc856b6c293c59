from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.choices import DomainLevel, IndustryLevel, Role
from kechuang.core.models import HighTechDomain, Industry, Region, User
from kechuang.registry.models import Enterprise
from kechuang.techmarket.choices import TransferMode
from kechuang.techmarket.models import Achievement, Challenge, Demand, Institution, Milestone, Proposal, TechContract

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 4})


class ClassifiedForm(forms.ModelForm):
    """Domain and industry chosen among the upper levels, which is what records are described by."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["high_tech_domain"].queryset = HighTechDomain.objects.filter(
            level__in=[DomainLevel.DOMAIN, DomainLevel.SUBDOMAIN]
        )
        self.fields["industry"].queryset = Industry.objects.filter(level=IndustryLevel.DIVISION)


class AchievementForm(ClassifiedForm):
    modes = forms.MultipleChoiceField(
        label=_("Transfer modes"), choices=TransferMode.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Achievement
        fields = [
            "title", "owner", "summary", "high_tech_domain", "industry", "keywords", "maturity", "asking_price",
            "contact_name", "contact_phone",
        ]
        widgets = {"summary": TEXT}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else Institution.objects.all()
        self.fields["modes"].initial = [mode for field, mode in Achievement.MODE_FIELDS if getattr(self.instance, field)]

    def save(self, commit=True):
        for field, mode in Achievement.MODE_FIELDS:
            setattr(self.instance, field, mode in self.cleaned_data["modes"])
        return super().save(commit)


class DemandForm(ClassifiedForm):
    class Meta:
        model = Demand
        fields = [
            "title", "enterprise", "problem", "key_points", "goals", "budget", "months", "solution_mode",
            "high_tech_domain", "industry", "keywords", "contact_name", "contact_phone",
        ]
        widgets = {"problem": TEXT, "key_points": TEXT, "goals": TEXT}

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises if enterprises is not None else Enterprise.objects.all()


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ["title", "support_amount", "deadline", "reviewers"]
        widgets = {"deadline": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["reviewers"].queryset = User.objects.filter(role=Role.OFFICER, is_active=True)


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "approach", "budget", "months"]
        widgets = {"approach": TEXT}


class ReviewForm(forms.Form):
    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "amount"]
        widgets = {"due_on": DATE}


class MatchMoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"))
    contract_number = forms.CharField(label=_("Registration number of the contract"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, transitions, **kwargs):
        super().__init__(*args, **kwargs)
        # the declared transitions the user may take (workflows.MATCH), each named after its stage
        self.fields["stage"].choices = [(t.name, t.label) for t in transitions]

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("contract_number", "").strip()
        cleaned["contract"] = None
        if number:
            cleaned["contract"] = TechContract.objects.filter(registration_number=number).first()
            if cleaned["contract"] is None:
                self.add_error("contract_number", _("No contract has this registration number."))
        return cleaned


class ContractForm(forms.ModelForm):
    """The seller's application (or a correction of it): the buyer's region is typed as its code."""

    buyer_region_code = forms.CharField(
        label=_("Buyer region code"), required=False, help_text=_("统计用区划代码; leave empty when the buyer is abroad")
    )

    class Meta:
        model = TechContract
        fields = [
            "name", "contract_type", "subtype", "seller", "buyer_name", "buyer_abroad", "amount", "tech_amount",
            "signed_on", "applied_on", "late_reason",
        ]
        widgets = {"signed_on": DATE, "applied_on": DATE, "late_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, sellers=None, registrar=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seller"].queryset = sellers if sellers is not None else Enterprise.objects.all()
        if not registrar:
            # A seller's application is dated the day it is filed; only the registrar records another date.
            del self.fields["applied_on"]
        self.fields["buyer_region_code"].initial = self.instance.buyer_region_id or ""

    def clean_buyer_region_code(self):
        code = self.cleaned_data["buyer_region_code"].strip()
        if code and not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(_("This region code is not in the statistical division table."))
        return code

    def clean(self):
        cleaned = super().clean()
        self.instance.buyer_region_id = cleaned.get("buyer_region_code") or None
        return cleaned


class CorrectionForm(ContractForm):
    """A registrar's correction (变更登记): the contract's fields plus the reason, kept in its history."""

    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}))
