from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.uploads import UploadField
from kechuang.plan.models import ManualFigure


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(UploadField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [single(item, initial) for item in files]


class ProgressReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    percent = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 6}))
    evidence = MultipleFileField(label=_("Evidence files"), required=False)

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.label, f"{p.label}（{p.start:%Y-%m-%d} — {p.end:%Y-%m-%d}）") for p in periods]


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ManualFigureForm(forms.ModelForm):
    evidence = UploadField(label=_("evidence file"), required=False)

    class Meta:
        model = ManualFigure
        fields = ["key", "date", "value", "source", "evidence"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"] = forms.ChoiceField(label=_("Figure"), choices=keys)

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("A figure cannot be negative."))
        return value
