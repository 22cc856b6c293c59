"""Talent pages: the records (masked for everyone), one person's page with the officer's reveal,
consent and removal, the programmes, the guidance directory with its gaps and the employers' demand,
and the talent map. Views stay thin: every write is a service call."""
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache

from kechuang.core import clock
from kechuang.core.exports import XLSX_CONTENT_TYPE, workbook_bytes, xlsx_response
from kechuang.core.views import ObjectListView, PredicateRequiredMixin
from kechuang.talent import permissions as perms
from kechuang.talent import services, talentmap
from kechuang.talent.choices import EditionState
from kechuang.talent.filtersets import TalentFilterSet
from kechuang.talent.forms import ConsentForm, DemandForm, DirectoryRowForm, EditionForm, RemovalForm, RevealForm, TalentForm
from kechuang.talent.models import Edition, EmployerDemand, Programme, Talent
from kechuang.talent.tables import DEMAND_COLUMNS, GAP_HEADERS, TALENT_COLUMNS, gap_cells

MASKING_NOTE = gettext_lazy(
    "ID numbers and mobile phones are sensitive personal information (PIPL art. 28): they are stored encrypted "
    "and shown masked (first 6 and last 4 digits of an ID number, first 3 and last 4 of a phone) on every page, "
    "export and API answer. An officer may reveal one person's number, giving a reason that is recorded."
)


def _refusal(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class TalentListView(ObjectListView):
    model = Talent
    predicate = perms.sees_talent
    filterset_class = TalentFilterSet
    columns = TALENT_COLUMNS
    title = gettext_lazy("Talent")
    intro = MASKING_NOTE
    export_name = "科技人才"
    template_name = "talent/talent_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_manage": perms.can_manage_talent(self.request.user)}

    def base_queryset(self):
        return Talent.objects.visible_to(self.request.user).select_related("field", "employer", "level__programme")


def _talent(request, pk):
    return get_object_or_404(
        Talent.objects.visible_to(request.user).select_related("field", "employer", "level__programme"), pk=pk
    )


class TalentDetailView(PredicateRequiredMixin, View):
    predicate = perms.sees_talent

    def get(self, request, pk, revealed=None, reveal_form=None, consent_form=None):
        talent = _talent(request, pk)
        may_manage = perms.can_manage_talent(request.user)
        context = {
            "object": talent, "masking_note": MASKING_NOTE, "may_manage": may_manage, "revealed": revealed,
            "consents": talent.consents.all(), "achievements": talent.achievements.all()[:50],
            "projects": talent.projects.all()[:50],
        }
        if may_manage:
            context.update(
                reveal_form=reveal_form or RevealForm(), removal_form=RemovalForm(),
                consent_form=consent_form or ConsentForm(initial={"given_on": clock.today()}),
                disclosures=talent.disclosures.select_related("by")[:50],
            )
        response = render(request, "talent/talent_detail.html", context)
        if revealed:
            response["Cache-Control"] = "no-store"
        return response


@method_decorator(never_cache, name="dispatch")
class RevealView(PredicateRequiredMixin, View):
    """Shows one number once, in the answer to the POST that asked with a reason; nothing to GET."""

    predicate = perms.can_reveal

    def post(self, request, pk):
        talent = _talent(request, pk)
        form = RevealForm(request.POST)
        if not form.is_valid():
            return TalentDetailView().get(request, pk, reveal_form=form)
        try:
            plain = services.reveal(talent, form.cleaned_data["field"], form.cleaned_data["reason"], request.user)
        except ValidationError as error:
            _refusal(request, error)
            return redirect(talent)
        label = dict(RevealForm.base_fields["field"].choices)[form.cleaned_data["field"]]
        return TalentDetailView().get(request, pk, revealed={"label": label, "value": plain})


class RemovalView(PredicateRequiredMixin, View):
    predicate = perms.can_manage_talent

    def post(self, request, pk):
        talent = _talent(request, pk)
        form = RemovalForm(request.POST)
        if form.is_valid():
            try:
                services.remove_on_request(talent, form.cleaned_data["reason"], request.user)
            except ValidationError as error:
                _refusal(request, error)
                return redirect(talent)
            messages.success(request, _("The record was removed; the audit trail keeps only the masked number and the reason."))
            return redirect("talent:talents")
        messages.error(request, _("Give the basis of the removal."))
        return redirect(talent)


class ConsentView(PredicateRequiredMixin, View):
    predicate = perms.can_manage_talent

    def post(self, request, pk):
        talent = _talent(request, pk)
        form = ConsentForm(request.POST)
        if form.is_valid():
            try:
                services.record_consent(talent, request.user, **form.cleaned_data)
            except ValidationError as error:
                _refusal(request, error)
            else:
                messages.success(request, _("Consent recorded."))
                return redirect(talent)
        return TalentDetailView().get(request, pk, consent_form=form)


class ConsentWithdrawalView(PredicateRequiredMixin, View):
    predicate = perms.can_manage_talent

    def post(self, request, pk, consent):
        talent = _talent(request, pk)
        try:
            services.withdraw_consent(get_object_or_404(talent.consents, pk=consent), request.user)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("Consent withdrawn."))
        return redirect(talent)


class TalentFormView(PredicateRequiredMixin, View):
    predicate = perms.can_manage_talent

    def _form(self, request, pk):
        instance = _talent(request, pk) if pk else Talent()
        return TalentForm(request.POST or None, instance=instance)

    def get(self, request, pk=None):
        return render(request, "talent/talent_form.html", {"form": self._form(request, pk), "masking_note": MASKING_NOTE})

    def post(self, request, pk=None):
        form = self._form(request, pk)
        if form.is_valid():
            try:
                talent = services.save_talent(
                    form.save(commit=False), request.user, id_number=form.cleaned_data["id_number"] or None,
                    phone=form.cleaned_data["phone"] or (None if pk else ""),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                form.save_m2m()
                messages.success(request, _("Saved."))
                return redirect(talent)
        return render(request, "talent/talent_form.html", {"form": form, "masking_note": MASKING_NOTE})


class ProgrammeListView(PredicateRequiredMixin, View):
    predicate = perms.sees_talent

    def get(self, request):
        programmes = Programme.objects.visible_to(request.user).prefetch_related("levels")
        return render(request, "talent/programmes.html", {"programmes": programmes})


# --- the guidance directory ------------------------------------------------------------------------


class EditionListView(PredicateRequiredMixin, View):
    def get(self, request):
        editions = Edition.objects.visible_to(request.user)
        return render(request, "talent/editions.html", {
            "editions": editions, "may_manage": perms.can_manage_talent(request.user),
            "form": EditionForm(initial={"year": clock.today().year}) if perms.can_manage_talent(request.user) else None,
        })

    def post(self, request):
        if not perms.can_manage_talent(request.user):
            return self.handle_no_permission()
        form = EditionForm(request.POST)
        if form.is_valid():
            edition = form.save()
            return redirect(edition)
        return render(request, "talent/editions.html", {"editions": Edition.objects.all(), "may_manage": True, "form": form})


def _edition(request, year):
    return get_object_or_404(Edition.objects.visible_to(request.user), year=year)


class EditionDetailView(PredicateRequiredMixin, View):
    """One year's directory: each row against the talent on record (the gap), and the demand collected."""

    def get(self, request, year, row_form=None, demand_form=None):
        edition = _edition(request, year)
        found = services.gaps(edition)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(f"高端人才指导目录{edition.year}.xlsx", GAP_HEADERS, [gap_cells(g) for g in found], edition.title)
        enterprise = perms.enterprise_of(request.user)
        may_manage = perms.can_manage_talent(request.user)
        demands = EmployerDemand.objects.visible_to(request.user).filter(edition=edition).select_related("enterprise", "field")
        return render(request, "talent/edition_detail.html", {
            "edition": edition, "gaps": found, "may_manage": may_manage, "demands": demands[:200],
            "demand_count": demands.count(), "collecting": edition.state == EditionState.COLLECTING,
            "row_form": (row_form or DirectoryRowForm()) if may_manage else None,
            "demand_form": (demand_form or DemandForm()) if enterprise and edition.state == EditionState.COLLECTING else None,
            "enterprise": enterprise,
        })


class EditionActionView(PredicateRequiredMixin, View):
    predicate = perms.can_manage_talent

    def post(self, request, year, action):
        edition = _edition(request, year)
        try:
            if action == "row":
                form = DirectoryRowForm(request.POST)
                if not form.is_valid():
                    return EditionDetailView().get(request, year, row_form=form)
                row = form.save(commit=False)
                row.edition = edition
                row.save()
            elif action == "from-demand":
                added = services.rows_from_demands(edition, request.user)
                messages.success(request, _("%(count)s rows added from the collected demand.") % {"count": added})
            elif action == "publish":
                services.publish(edition, request.user)
                messages.success(request, _("Directory published."))
            else:
                raise Http404
        except ValidationError as error:
            _refusal(request, error)
        return redirect(edition)


class DemandSubmitView(PredicateRequiredMixin, View):
    predicate = perms.submits_demand

    def post(self, request, year):
        edition = _edition(request, year)
        enterprise = perms.enterprise_of(request.user)
        form = DemandForm(request.POST)
        if enterprise is None or not form.is_valid():
            return EditionDetailView().get(request, year, demand_form=form)
        try:
            services.submit_demand(edition, enterprise, request.user, **form.cleaned_data)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("Demand submitted."))
        return redirect(edition)


class DemandListView(ObjectListView):
    model = EmployerDemand
    columns = DEMAND_COLUMNS
    title = gettext_lazy("Employer demand for talent")
    export_name = "用人单位人才需求"

    def base_queryset(self):
        return EmployerDemand.objects.visible_to(self.request.user).select_related("edition", "enterprise", "field")


# --- the talent map --------------------------------------------------------------------------------


class TalentMapView(PredicateRequiredMixin, View):
    predicate = perms.sees_talent_map

    def get(self, request):
        today = clock.today()
        edition = Edition.objects.filter(state=EditionState.PUBLISHED).order_by("-year").first()
        found = talentmap.district_figures(edition, today)
        if request.GET.get("export") == "xlsx":
            response = HttpResponse(workbook_bytes(talentmap.workbook_sheets(found)), content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('科技人才图谱.xlsx')}"
            return response
        return render(request, "talent/map.html", {
            "figures": found, "plots": {figure.key: figure.plot for figure in found}, "edition": edition, "today": today,
        })
