"""One form for every pipeline action, whether it is posted from a single card or from a selection of
many: the action decides which of the fields are required."""
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core import clock
from kechuang.core.bounds import ID_MAX, BoundedIntegerField, YearField, id_param
from kechuang.cultivation.choices import ActionKind, Tier
from kechuang.cultivation.filtersets import officers


class IdListField(forms.Field):
    """The ticked checkboxes. Whether each id may be acted on is the service's decision, not the form's."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        ids = [id_param(item) for item in value or ()]
        if None in ids:
            raise forms.ValidationError(_("The selection is not valid; reload the page."))
        return sorted(set(ids))


class PipelineActionForm(forms.Form):
    SELECT = "select"
    SELECT_ENROL = "select_enrol"
    ENROL = "enrol"
    ASSIGN = "assign"
    LOG = "log"
    EXIT = "exit"
    RECORD_CERTIFICATE = "record_certificate"
    ACTIONS = [
        (SELECT, _("Select as candidates (遴选)")),
        (SELECT_ENROL, _("Select and enrol (入库)")),
        (ENROL, _("Enrol (入库)")),
        (ASSIGN, _("Assign officer in charge")),
        (LOG, _("Log a cultivation action (培育)")),
        (EXIT, _("Exit with reason (退出)")),
        (RECORD_CERTIFICATE, _("Record certificate (认定)")),
    ]
    # Fields each action needs besides the selection.
    NEEDS = {
        SELECT: ("tier", "year"),
        SELECT_ENROL: ("tier", "year", "officer"),
        ENROL: ("officer",),
        ASSIGN: ("officer",),
        LOG: ("kind", "date"),
        EXIT: ("reason",),
        RECORD_CERTIFICATE: ("certificate",),
    }
    # Selections of enterprises (from the screening) rather than of enrollments.
    ON_ENTERPRISES = (SELECT, SELECT_ENROL)

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    ids = IdListField(required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, required=False)
    year = YearField(label=_("Cohort year"), min_value=2000, required=False)
    officer = forms.ModelChoiceField(label=_("Officer in charge"), queryset=officers(), required=False)
    kind = forms.ChoiceField(label=_("Action kind"), choices=ActionKind.choices, required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    reason = forms.CharField(label=_("Exit reason"), max_length=300, required=False)
    certificate = BoundedIntegerField(label=_("Certificate"), min_value=1, max_value=ID_MAX, required=False)
    next = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year

    def clean(self):
        data = super().clean()
        if not data.get("ids"):
            self.add_error(None, _("Select at least one enterprise."))
        for name in self.NEEDS.get(data.get("action"), ()):
            if data.get(name) in (None, ""):
                self.add_error(name, _("This action needs this field."))
        return data
