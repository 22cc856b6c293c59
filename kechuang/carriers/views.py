"""Carrier pages: carriers and their tenants (with the admission and graduation criteria explained as on
the tier pages), yearly returns, the evaluation, the incubation chain and events. Every write is a
service call; a refusal shows its message and writes nothing."""
import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kechuang.carriers import chain as chain_data
from kechuang.carriers import documents, evaluation, services
from kechuang.carriers import permissions as perms
from kechuang.carriers.choices import CarrierKind, EventKind, EventState, RoundState, TenantStatus
from kechuang.carriers.filtersets import CarrierFilterSet, EventFilterSet, ReportFilterSet, TenantFilterSet
from kechuang.carriers.forms import (CarrierForm, EntryForm, EventForm, FollowUpForm, GraduationForm, InvestorForm, JudgeForm, LeaveForm, LinkForm,
                                    ReportForm, RoundForm, TenantForm)
from kechuang.carriers.models import Carrier, CarrierReport, CarrierScore, Entry, Event, Investor, Tenant
from kechuang.carriers.rules import rulesets
from kechuang.carriers.tables import CARRIER_COLUMNS, EVENT_COLUMNS, RANKING_COLUMNS, REPORT_COLUMNS, TENANT_COLUMNS
from kechuang.carriers.workflows import REPORT
from kechuang.core import clock
from kechuang.core.bounds import id_param, year_param
from kechuang.core.exports import xlsx_response
from kechuang.core.permissions import sees_everything
from kechuang.core.views import ObjectListView, PredicateRequiredMixin
from kechuang.core.workflow import move
from kechuang.registry.choices import CompetitionAward

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
GRADUATION_SCREEN_LIMIT = 200
# The kinds the incubator recognition conditions (300号 国家级, 131号 标准级) apply to.
RECOGNISED_KINDS = (CarrierKind.INCUBATOR, CarrierKind.ACCELERATOR, CarrierKind.UNIVERSITY_PARK, CarrierKind.SINO_SINGAPORE)


def _refusal(request, error) -> None:
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


class CarrierListView(ObjectListView):
    model = Carrier
    filterset_class = CarrierFilterSet
    columns = CARRIER_COLUMNS
    title = gettext_lazy("Innovation carriers")
    intro = gettext_lazy("众创空间、孵化器、加速器 and the new carriers of the district; a carrier operator sees its own carrier.")
    export_name = "创新载体"
    template_name = "carriers/carrier_list.html"

    def base_queryset(self):
        today = clock.today()
        running = Q(tenants__entered__lte=today) & (Q(tenants__exited__isnull=True) | Q(tenants__exited__gt=today))
        return (Carrier.objects.visible_to(self.request.user).select_related("operator")
                .annotate(tenants_now=Count("tenants", filter=running)).order_by("code"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Carrier.objects.visible_to(self.request.user)
        by_kind = {str(dict(Carrier._meta.get_field("kind").flatchoices)[row["kind"]]): row["n"]
                   for row in visible.values("kind").annotate(n=Count("pk")).order_by("kind")}
        context["chart"] = {"id": "carriers-by-kind", "data": [{"type": "bar", "x": list(by_kind), "y": list(by_kind.values())}],
                            "layout": {"title": {"text": _("Carriers by type")}}}
        context["sees_all"] = sees_everything(self.request.user)
        context["may_manage"] = perms.can_manage_carriers(self.request.user)
        return context


class CarrierFormView(PredicateRequiredMixin, View):
    predicate = perms.can_manage_carriers

    def _render(self, request, form):
        return render(request, "carriers/form.html", {"form": form, "title": _("Edit carrier") if form.instance.pk else _("New carrier")})

    def get(self, request, code=None):
        return self._render(request, CarrierForm(instance=get_object_or_404(Carrier, code=code) if code else None))

    def post(self, request, code=None):
        form = CarrierForm(request.POST, instance=get_object_or_404(Carrier, code=code) if code else None)
        if form.is_valid():
            carrier = services.save_carrier(form, request.user)
            messages.success(request, _("Saved."))
            return redirect(carrier.get_absolute_url())
        return self._render(request, form)


class CarrierDetailView(PredicateRequiredMixin, View):
    predicate = perms.uses_carriers

    def get(self, request, code):
        carrier = get_object_or_404(Carrier.objects.visible_to(request.user).select_related("operator", "region"), code=code)
        today = clock.today()
        incubating = (carrier.tenants.filter(status=TenantStatus.INCUBATING).select_related("enterprise", "carrier")
                      .order_by("entered")[:GRADUATION_SCREEN_LIMIT])
        screen = services.graduation_screen(incubating, today)
        scores = evaluation.with_change(carrier.scores.order_by("-year")[:10])
        return render(request, "carriers/carrier_detail.html", {
            "carrier": carrier, "today": today, "screen": screen,
            "eligible": sum(1 for _t, r in screen if r["status"] == "eligible"),
            "counts": dict(carrier.tenants.values_list("status").annotate(n=Count("pk"))),
            "scores": scores, "reports": carrier.reports.all()[:10],
            "may_keep": perms.can_keep_tenants(request.user, carrier),
            "may_manage": perms.can_manage_carriers(request.user),
            "recognition": services.evaluate_recognition(carrier, today.year - 1) if carrier.kind in RECOGNISED_KINDS else None,
        })


class TenantListView(ObjectListView):
    model = Tenant
    filterset_class = TenantFilterSet
    columns = TENANT_COLUMNS
    title = gettext_lazy("Tenants")
    export_name = "在孵企业"
    predicate = perms.uses_carriers

    def base_queryset(self):
        return Tenant.objects.visible_to(self.request.user).select_related("enterprise", "carrier")


class TenantFormView(PredicateRequiredMixin, View):
    predicate = perms.uses_carriers

    def _form(self, request, data=None):
        carriers = Carrier.objects.visible_to(request.user)
        if not perms.can_manage_carriers(request.user):
            carriers = carriers.filter(members=request.user)
        return TenantForm(data, carriers=carriers)

    def get(self, request):
        return render(request, "carriers/form.html", {"form": self._form(request), "title": _("New tenant")})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                tenant = services.add_tenant(data["carrier"], data["enterprise"], data["entered"], request.user,
                                             exited=data["exited"], space=data["space"])
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Tenant recorded."))
                return redirect(tenant.get_absolute_url())
        return render(request, "carriers/form.html", {"form": form, "title": _("New tenant")})


class TenantDetailView(PredicateRequiredMixin, View):
    predicate = perms.uses_carriers

    def _tenant(self, request, pk):
        return get_object_or_404(Tenant.objects.visible_to(request.user).select_related("enterprise", "carrier", "override_by"), pk=pk)

    def get(self, request, pk, graduation_form=None, leave_form=None):
        tenant = self._tenant(request, pk)
        today = clock.today()
        may_keep = perms.can_keep_tenants(request.user, tenant.carrier) and tenant.status == TenantStatus.INCUBATING
        return render(request, "carriers/tenant_detail.html", {
            "tenant": tenant, "today": today,
            "admission": services.evaluate_tenant(tenant, "admission"),
            "graduation": services.evaluate_tenant(tenant, "graduation", today) if tenant.status == TenantStatus.INCUBATING else None,
            "may_keep": may_keep, "is_officer": perms.can_manage_carriers(request.user),
            "graduation_form": graduation_form or GraduationForm(initial={"date": today}),
            "leave_form": leave_form or LeaveForm(initial={"date": today}),
        })

    def post(self, request, pk):
        tenant = self._tenant(request, pk)
        action = request.POST.get("action")
        form = (GraduationForm if action == "graduate" else LeaveForm)(request.POST)
        if not form.is_valid():
            return self.get(request, pk, **{("graduation_form" if action == "graduate" else "leave_form"): form})
        data = form.cleaned_data
        try:
            if action == "graduate":
                services.graduate(tenant, data["date"], request.user, destination=data["destination"],
                                  destination_carrier=data["destination_carrier"], reason=data["reason"])
            else:
                services.leave(tenant, data["date"], data["status"], request.user)
        except (ValidationError, PermissionDenied) as error:
            _refusal(request, error)
        else:
            messages.success(request, _("Saved."))
        return redirect(tenant.get_absolute_url())


class RuleSetsView(PredicateRequiredMixin, View):
    """The tenant rule sets in every version, with their sources and the readings chosen."""

    predicate = perms.uses_carriers

    def get(self, request):
        return render(request, "carriers/rulesets.html", {"rulesets": rulesets(), "system": evaluation.system()})


class ReportListView(ObjectListView):
    model = CarrierReport
    filterset_class = ReportFilterSet
    columns = REPORT_COLUMNS
    title = gettext_lazy("Yearly reports (火炬统计)")
    export_name = "载体年度统计"
    predicate = perms.uses_carriers
    template_name = "carriers/report_list.html"

    def base_queryset(self):
        return CarrierReport.objects.visible_to(self.request.user).select_related("carrier")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_manage": perms.can_manage_carriers(self.request.user)}

    def post(self, request):
        if not perms.can_manage_carriers(request.user):
            raise PermissionDenied
        year = year_param(request.POST.get("year"))
        try:
            due = dt.date.fromisoformat(request.POST.get("due", ""))
        except ValueError:
            due = None
        if year is None or due is None:
            messages.error(request, _("Give the year and the due date (YYYY-MM-DD)."))
        else:
            created = services.open_reports(year, due)
            messages.success(request, _("%(count)s reports opened.") % {"count": len(created)})
        return redirect("carriers:reports")


class ReportDetailView(PredicateRequiredMixin, View):
    predicate = perms.uses_carriers

    def _report(self, request, pk):
        return get_object_or_404(CarrierReport.objects.visible_to(request.user).select_related("carrier"), pk=pk)

    def get(self, request, pk, form=None):
        report = self._report(request, pk)
        editable = perms.can_submit_report(request.user, report) and report.state in ("draft", "returned")
        computed = report.computed or services.registry_figures(report.carrier, report.year)
        return render(request, "carriers/report_detail.html", {
            "report": report, "form": form or (ReportForm(instance=report) if editable else None),
            "computed": computed, "frozen": bool(report.computed), "transitions": REPORT.buttons(request.user, report),
            "may_submit": editable,
        })

    def post(self, request, pk):
        report = self._report(request, pk)
        form = ReportForm(request.POST, instance=CarrierReport.objects.get(pk=report.pk))
        if not form.is_valid():
            return self.get(request, pk, form=form)
        try:
            services.save_report(report, form.cleaned_data, request.user)
            if request.POST.get("submit"):
                services.submit_report(report, request.user)
        except (ValidationError, PermissionDenied) as error:
            _refusal(request, error)
        else:
            messages.success(request, _("Saved."))
        return redirect(report.get_absolute_url())


class ReportActionView(PredicateRequiredMixin, View):
    predicate = perms.can_review_report

    def post(self, request, pk, action):
        report = get_object_or_404(CarrierReport, pk=pk)
        try:
            move(REPORT, report, action, request.user, comment=request.POST.get("comment", ""))
        except (ValidationError, PermissionDenied) as error:
            _refusal(request, error)
        return redirect(report.get_absolute_url())


def _evaluation_year(request) -> int:
    latest = CarrierScore.objects.order_by("-year").values_list("year", flat=True).first()
    return year_param(request.GET.get("year"), default=latest or clock.today().year - 1)


class EvaluationView(PredicateRequiredMixin, View):
    predicate = perms.uses_carriers

    def get(self, request):
        year = _evaluation_year(request)
        scores = CarrierScore.objects.visible_to(request.user).filter(year=year).select_related("carrier").order_by("rank", "carrier__code")
        rows = evaluation.with_change(scores)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(f"载体评价{year}.xlsx", [str(c.header) for c in RANKING_COLUMNS],
                                 ([c.value(row) for c in RANKING_COLUMNS] for row in rows), str(_("Carrier evaluation")))
        chart = {"id": "evaluation", "data": [{"type": "bar", "x": [r["score"].carrier.name for r in rows],
                                                "y": [float(r["score"].total) for r in rows], "name": str(year)},
                                               {"type": "bar", "x": [r["score"].carrier.name for r in rows],
                                                "y": [None if r["previous"] is None else float(r["previous"]) for r in rows],
                                                "name": str(year - 1)}],
                 "layout": {"title": {"text": _("Scores")}, "yaxis": {"range": [0, 100]}}}
        years = list(CarrierScore.objects.order_by("-year").values_list("year", flat=True).distinct())
        return render(request, "carriers/evaluation.html", {"year": year, "rows": rows, "chart": chart, "years": years,
                                                            "system": evaluation.system(),
                                                            "may_manage": perms.can_manage_carriers(request.user),
                                                            "sees_all": sees_everything(request.user)})

    def post(self, request):
        if not perms.can_manage_carriers(request.user):
            raise PermissionDenied
        year = year_param(request.POST.get("year"))
        if year is None:
            messages.error(request, _("Give the year to evaluate."))
            return redirect("carriers:evaluation")
        rows = evaluation.evaluate_year(year)
        messages.success(request, _("%(count)s carriers evaluated for %(year)s.") % {"count": len(rows), "year": year})
        return redirect(f"{request.path}?year={year}")


class ScoreDetailView(PredicateRequiredMixin, View):
    predicate = perms.uses_carriers

    def get(self, request, code, year):
        score = get_object_or_404(CarrierScore.objects.visible_to(request.user).select_related("carrier"), carrier__code=code, year=year)
        if request.GET.get("format") == "docx":
            return _docx(documents.carrier_report(score), f"{score.carrier.code}-{year}-evaluation.docx")
        return render(request, "carriers/score_detail.html", {"score": score, "change": evaluation.with_change([score])[0],
                                                              "system": evaluation.system()})


class DistrictReportView(PredicateRequiredMixin, View):
    predicate = sees_everything

    def get(self, request, year):
        if not CarrierScore.objects.filter(year=year).exists():
            raise Http404
        return _docx(documents.district_report(year), f"carriers-{year}-evaluation.docx")


class ChainView(PredicateRequiredMixin, View):
    predicate = sees_everything

    def get(self, request):
        data = chain_data.chain(clock.today())
        flows = data["flows"]
        years = list(data["entries"])
        stages = list(chain_data.STAGES.values())[:3]
        grad_years = list(data["graduates"])
        destinations = sorted({d for v in data["graduates"].values() for d in v})
        charts = [
            {"id": "chain-flow", "data": [{"type": "sankey", "node": {"label": flows["labels"], "pad": 18},
                                           "link": {"source": flows["source"], "target": flows["target"], "value": flows["value"]}}],
             "layout": {"title": {"text": _("Where graduates went, stage to stage")}}},
            {"id": "chain-entries", "data": [{"type": "bar", "name": s, "x": years, "y": [data["entries"][y].get(s, 0) for y in years]}
                                             for s in stages],
             "layout": {"barmode": "stack", "title": {"text": _("Firms entering each stage by year")}, "xaxis": {"type": "category"}}},
            {"id": "chain-graduates", "data": [{"type": "bar", "name": d, "x": grad_years, "y": [data["graduates"][y].get(d, 0) for y in grad_years]}
                                               for d in destinations],
             "layout": {"barmode": "stack", "title": {"text": _("Graduates by year and destination")}, "xaxis": {"type": "category"}}},
        ]
        return render(request, "carriers/chain.html", {"data": data, "charts": charts})


class EventListView(ObjectListView):
    model = Event
    filterset_class = EventFilterSet
    columns = EVENT_COLUMNS
    title = gettext_lazy("Innovation events")
    export_name = "创新创业活动"
    template_name = "carriers/event_list.html"

    def base_queryset(self):
        return Event.objects.visible_to(self.request.user).select_related("organiser").distinct()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_create": perms.can_create_event(self.request.user)}


class EventFormView(PredicateRequiredMixin, View):
    predicate = perms.can_create_event

    def _form(self, request, data=None):
        form = EventForm(data)
        if not perms.can_manage_carriers(request.user):
            del form.fields["organiser"]  # a carrier organises for itself
        return form

    def get(self, request):
        return render(request, "carriers/form.html", {"form": self._form(request), "title": _("New event")})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                event = services.create_event(request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Event created; set up its rounds and panels."))
                return redirect(event.get_absolute_url())
        return render(request, "carriers/form.html", {"form": form, "title": _("New event")})


class EventDetailView(PredicateRequiredMixin, View):
    def _event(self, request, code):
        return get_object_or_404(Event.objects.visible_to(request.user).distinct(), code=code)

    def get(self, request, code, entry_form=None, round_form=None, judge_form=None):
        event = self._event(request, code)
        organiser = perms.can_organise(request.user, event)
        rounds = []
        for round_ in event.rounds.all():
            judge = round_.judges.filter(user=request.user).first()
            standing = services.standings(round_) if organiser or event.state == EventState.PUBLISHED else []
            to_score = []
            if judge and round_.state == RoundState.OPEN and event.state == EventState.JUDGING:
                done = set(round_.scores.filter(judge=judge).values_list("entry_id", flat=True))
                for entry in event.entries.filter(reached__gte=round_.number).select_related("enterprise"):
                    to_score.append({"entry": entry, "done": entry.pk in done, "excluded": services.exclusion(judge, entry)})
            rounds.append({"round": round_, "criteria": services.criteria_of(round_), "standing": standing,
                           "to_score": to_score, "judges": round_.judges.count()})
        return render(request, "carriers/event_detail.html", {
            "event": event, "rounds": rounds, "organiser": organiser,
            "entries": event.entries.select_related("enterprise").order_by("final_rank", "pk"),
            "entry_form": entry_form or EntryForm(), "awards": CompetitionAward.choices,
            "round_form": round_form or RoundForm(), "judge_form": judge_form or JudgeForm(),
            "investors": event.investors.prefetch_related("follow_ups__entry"),
            "is_demo_day": event.kind == EventKind.DEMO_DAY,
            "organiser_page": event.organiser_id is not None and perms.uses_carriers(request.user)
            and Carrier.objects.visible_to(request.user).filter(pk=event.organiser_id).exists(),
        })

    def post(self, request, code):
        event = self._event(request, code)
        action = request.POST.get("action", "")
        try:
            if action == "register":
                form = EntryForm(request.POST)
                if not form.is_valid():
                    return self.get(request, code, entry_form=form)
                if not perms.can_organise(request.user, event):
                    raise PermissionDenied(_("You may not change the entries of %(event)s.") % {"event": event})
                services.register_entry(event, **form.cleaned_data)
            elif action == "round":
                form = RoundForm(request.POST)
                if not perms.can_organise(request.user, event):
                    raise PermissionDenied(_("You may not run %(event)s.") % {"event": event})
                if not form.is_valid():
                    return self.get(request, code, round_form=form)
                data = form.cleaned_data
                services.add_round(event, event.rounds.count() + 1, data["name"], data["criteria"], mode=data["mode"],
                                   advance=data["advance"])
            elif action == "judge":
                form = JudgeForm(request.POST)
                round_ = get_object_or_404(event.rounds, pk=id_param(request.POST.get("round")))
                if not perms.can_organise(request.user, event):
                    raise PermissionDenied(_("You may not run %(event)s.") % {"event": event})
                if not form.is_valid():
                    return self.get(request, code, judge_form=form)
                services.add_judge(round_, form.cleaned_data["user"], employer=form.cleaned_data["employer"],
                                   declared=form.cleaned_data["declared"])
            elif action == "open_judging":
                services.open_judging(event, request.user)
            elif action == "close_round":
                services.close_round(get_object_or_404(event.rounds, pk=id_param(request.POST.get("round"))), request.user)
            elif action == "score":
                round_ = get_object_or_404(event.rounds, pk=id_param(request.POST.get("round")))
                entry = get_object_or_404(event.entries, pk=id_param(request.POST.get("entry")))
                scores = {c.key: request.POST.get(f"score_{c.key}", "") for c in services.criteria_of(round_)}
                services.submit_score(round_, entry, request.user, scores)
            elif action == "publish":
                awards = {}
                for entry in event.entries.all():
                    award = request.POST.get(f"award_{entry.pk}", "")
                    if award:
                        if award not in CompetitionAward.values:
                            raise ValidationError(_("Unknown award “%(award)s”.") % {"award": award})
                        awards[entry.pk] = award
                services.publish(event, awards, request.user)
            elif action == "link":
                form = LinkForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors["enterprise"])
                services.link_entry(get_object_or_404(event.entries, pk=id_param(request.POST.get("entry"))),
                                    form.cleaned_data["enterprise"], request.user)
            elif action == "investor":
                form = InvestorForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([m for errors in form.errors.values() for m in errors])
                services.add_investor(event, form.cleaned_data["name"], form.cleaned_data["institution"], request.user)
            elif action == "follow_up":
                form = FollowUpForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([m for errors in form.errors.values() for m in errors])
                data = form.cleaned_data
                services.add_follow_up(get_object_or_404(Investor, event=event, pk=data["investor"]),
                                       get_object_or_404(Entry, event=event, pk=data["entry"]), data["date"], data["note"], request.user)
            else:
                raise Http404
        except (ValidationError, PermissionDenied) as error:
            _refusal(request, error)
        else:
            messages.success(request, _("Saved."))
        return redirect(event.get_absolute_url())
