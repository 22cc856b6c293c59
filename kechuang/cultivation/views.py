import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views import View
from django.views.generic import DetailView, TemplateView

from kechuang.core import clock
from kechuang.core.exports import dated_filename, xlsx_response
from kechuang.core.tables import CODE, PERCENT, YEAR, Column
from kechuang.core.views import ObjectListView, PredicateRequiredMixin, predicate_required
from kechuang.cultivation import screening, services
from kechuang.cultivation.choices import STATUS_LABELS, TIER_SHORT, Stage, Tier
from kechuang.cultivation.filtersets import CandidateFilterSet, EnrollmentFilterSet, FreeBenefitFilterSet
from kechuang.cultivation.forms import PipelineActionForm
from kechuang.cultivation.models import Enrollment, score_text
from kechuang.cultivation.permissions import can_manage, can_view_path, can_view_pipeline
from kechuang.cultivation.workflow import ENROLLMENT, OPEN_STAGES
from kechuang.policy.services import evaluate_enterprise, evaluate_profile, explain, profile_for
from kechuang.registry.models import Certificate, Enterprise


def _tier_or_404(tier: str) -> str:
    if tier not in Tier.values:
        raise Http404
    return tier


def _percent(value):
    return None if value is None else f"{value:.1%}"


class PipelinePage(PredicateRequiredMixin):
    """Pipeline pages are the bureau's working tools: officers and leaders only. They offer the
    pipeline's actions to whoever may take them."""

    predicate = can_view_pipeline

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=can_manage(self.request.user), **kwargs)


class OverviewView(PipelinePage, TemplateView):
    template_name = "cultivation/overview.html"

    def get_context_data(self, **kwargs):
        counts = {
            (row["tier"], row["stage"]): row["n"]
            for row in Enrollment.objects.visible_to(self.request.user).open().order_by().values("tier", "stage").annotate(n=Count("pk"))
        }
        waiting = screening.waiting()
        tiers = [
            {
                "key": key,
                "label": label,
                "waiting": waiting.get(key, 0),
                "stages": [counts.get((key, stage), 0) for stage in OPEN_STAGES],
            }
            for key, label in Tier.choices
        ]
        return super().get_context_data(
            tiers=tiers, open_stages=[Stage(stage).label for stage in OPEN_STAGES], **kwargs
        )


class BoardView(PipelinePage, TemplateView):
    """A tier's pipeline as columns, one per stage. Open cards show whatever their year; recognised and
    exited ones only if closed in the last year, unless a cohort year is chosen, so that the board stays
    a working surface rather than an archive (the records list holds them all)."""

    template_name = "cultivation/board.html"

    def get_context_data(self, **kwargs):
        tier = _tier_or_404(self.kwargs["tier"])
        filterset = EnrollmentFilterSet(
            self.request.GET or None, queryset=Enrollment.objects.visible_to(self.request.user).for_tier(tier)
        )
        filterset.form.fields.pop("tier")
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        if not self.request.GET.get("year"):
            rows = rows.open_or_closed_since(clock.today() - dt.timedelta(days=365))
        rows = rows.select_related("enterprise", "officer", "certificate").order_by(
            Coalesce("score", "score_max").desc(nulls_last=True), "gap_count", "enterprise__name"
        )
        columns = {stage: [] for stage in Stage.values}
        for enrollment in rows:
            columns[enrollment.stage].append(enrollment)
        query = self.request.GET.copy()
        query["tier"] = tier
        kwargs.update(
            tier_label=Tier(tier).label,
            columns=[(Stage(stage).label, stage, cards) for stage, cards in columns.items()],
            filterset=filterset,
            export_query=query.urlencode(),
            form=PipelineActionForm(initial={"year": clock.today().year, "date": clock.today()}),
            bulk_actions=[
                (value, label)
                for value, label in PipelineActionForm.ACTIONS
                if value not in PipelineActionForm.ON_ENTERPRISES and value != PipelineActionForm.RECORD_CERTIFICATE
            ],
        )
        return super().get_context_data(**kwargs)


ENROLLMENT_COLUMNS = [
    Column(gettext_lazy("Enterprise"), "enterprise.name"),
    Column(gettext_lazy("Unified social credit code"), "enterprise.uscc", kind=CODE),
    Column(gettext_lazy("Tier"), lambda e: str(TIER_SHORT[e.tier])),
    Column(gettext_lazy("Cohort year"), "year", kind=YEAR),
    Column(gettext_lazy("Stage"), "stage"),
    Column(gettext_lazy("Score"), "score_text", numeric=True),
    Column(gettext_lazy("Gaps"), "gap_count", numeric=True),
    Column(gettext_lazy("Gap messages"), lambda e: "；".join(e.gaps)),
    Column(gettext_lazy("Officer in charge"), lambda e: e.officer and (e.officer.get_full_name() or e.officer.username)),
    Column(gettext_lazy("Selected on"), "candidate_on"),
    Column(gettext_lazy("Enrolled on"), "enrolled_on"),
    Column(gettext_lazy("Cultivation started on"), "cultivating_on"),
    Column(gettext_lazy("Recognised on"), "recognised_on"),
    Column(gettext_lazy("Certificate number"), "certificate.number"),
    Column(gettext_lazy("Exited on"), "exited_on"),
    Column(gettext_lazy("Exit reason"), "exit_reason"),
]


class EnrollmentListView(PipelinePage, ObjectListView):
    model = Enrollment
    filterset_class = EnrollmentFilterSet
    columns = ENROLLMENT_COLUMNS
    title = gettext_lazy("Cultivation pipeline records")
    export_name = "cultivation-pipeline"

    def base_queryset(self):
        return super().base_queryset().select_related("enterprise", "officer", "certificate")


class ScreeningListView(PipelinePage, ObjectListView):
    """Lists read from the latest screening; rows are selected by enterprise."""

    template_name = "cultivation/screening_list.html"

    def row_url(self, obj):
        return reverse("cultivation:path", args=[obj.enterprise_id])

    def row_key(self, obj):
        return obj.enterprise_id

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("bulk_actions") and context.get("can_manage"):
            context["select_form"] = "bulk"
        return context


def _gap_messages(result) -> str:
    return "；".join(gap["message"] for gap in result.gaps)


SCREENING_COLUMNS = [
    Column(gettext_lazy("Enterprise"), "enterprise.name"),
    Column(gettext_lazy("Unified social credit code"), "enterprise.uscc", kind=CODE),
    Column(gettext_lazy("Tier"), lambda r: str(TIER_SHORT[r.ruleset_key])),
    Column(gettext_lazy("Status"), lambda r: str(STATUS_LABELS.get(r.status, r.status))),
    Column(gettext_lazy("Score"), lambda r: score_text(r.score, r.score_min, r.score_max), numeric=True),
    Column(gettext_lazy("Gaps"), "gap_count", numeric=True),
    Column(gettext_lazy("Gap messages"), _gap_messages),
    Column(gettext_lazy("Screened as of"), "as_of"),
    Column(gettext_lazy("Rule set version"), "ruleset_version"),
]


class CandidateListView(ScreeningListView):
    filterset_class = CandidateFilterSet
    columns = SCREENING_COLUMNS
    intro = gettext_lazy(
        "Enterprises the latest screening finds eligible, passing every figure-based criterion while expert-judged "
        "ones decide (needs review), or one or two gaps away, that neither hold this tier's certificate nor are in "
        "its pipeline yet. Tick enterprises to select them as candidates or to enrol them at once."
    )

    def prepare_rows(self, rows):
        return explain(rows)  # the gap messages, evaluated for the rows shown

    def base_queryset(self):
        return screening.candidates(self.tier).visible_to(self.request.user).order_by("gap_count", "-score", "enterprise__name")

    def get(self, request, *args, **kwargs):
        self.tier = _tier_or_404(kwargs["tier"])
        self.title = _("Candidates for %(tier)s (遴选)") % {"tier": Tier(self.tier).label}
        self.export_name = f"candidates-{self.tier}"
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tier=self.tier,
            form=PipelineActionForm(initial={"tier": self.tier, "year": clock.today().year}),
            bulk_actions=[a for a in PipelineActionForm.ACTIONS if a[0] in PipelineActionForm.ON_ENTERPRISES],
            **kwargs,
        )


class FreeBenefitListView(ScreeningListView):
    filterset_class = FreeBenefitFilterSet
    # Everyone here is eligible: the gap columns would be empty.
    columns = [c for c in SCREENING_COLUMNS if c.accessor not in ("gap_count", _gap_messages)]
    title = gettext_lazy("Benefits without application (免申即享)")
    export_name = "free-benefits"
    intro = gettext_lazy(
        "Enterprises the latest screening finds eligible for a tier whose certificate they do not hold (valid on "
        "the screening date) and that have not applied. “Applied” means the enterprise already has an open "
        "enrollment for that tier: selected, enrolled or being cultivated. Reach out to them first."
    )

    def base_queryset(self):
        return screening.free_benefits().visible_to(self.request.user).order_by("ruleset_key", "-score", "enterprise__name")


class EnrollmentDetailView(PipelinePage, DetailView):
    template_name = "cultivation/enrollment.html"
    context_object_name = "enrollment"

    def get_queryset(self):
        return Enrollment.objects.visible_to(self.request.user).select_related("enterprise", "officer", "certificate")

    def get_context_data(self, **kwargs):
        enrollment = self.object
        return super().get_context_data(
            actions=enrollment.actions.select_related("officer"),
            transitions=ENROLLMENT.names(self.request.user, enrollment),
            certificates=services.matching_certificates(enrollment),
            form=PipelineActionForm(initial={"date": clock.today(), "officer": enrollment.officer_id}),
            **kwargs,
        )


def _run_action(data: dict, user) -> int:
    """Hand a validated action to its service; returns how many records it changed."""
    action, ids = data["action"], data["ids"]
    if action in PipelineActionForm.ON_ENTERPRISES:
        enterprises = list(Enterprise.objects.visible_to(user).filter(pk__in=ids))
        if len(enterprises) != len(ids):
            raise ValidationError(_("Some of the selected records no longer exist; reload the page."))
        if action == PipelineActionForm.SELECT:
            return len(services.select_candidates(enterprises, data["tier"], data["year"], user))
        return len(services.select_and_enrol(enterprises, data["tier"], data["year"], data["officer"], user))
    if action == PipelineActionForm.RECORD_CERTIFICATE:
        enrollment = get_object_or_404(Enrollment.objects.visible_to(user), pk=ids[0])
        certificate = Certificate.objects.filter(pk=data["certificate"]).first()
        if certificate is None:
            raise ValidationError(_("That certificate is not in the registry."))
        services.record_certificate(enrollment, certificate, user)
        return 1
    run = {
        PipelineActionForm.ENROL: lambda: services.enrol(ids, data["officer"], user, data["date"]),
        PipelineActionForm.ASSIGN: lambda: services.assign_officer(ids, data["officer"], user),
        PipelineActionForm.LOG: lambda: services.log_action(ids, data["kind"], data["date"], data["note"], user),
        PipelineActionForm.EXIT: lambda: services.exit_pipeline(ids, data["reason"], user, data["date"]),
    }[action]
    return len(run())


@predicate_required(can_manage)
@require_POST
def pipeline_action(request):
    form = PipelineActionForm(request.POST)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
    else:
        try:
            changed = _run_action(form.cleaned_data, request.user)
        except ValidationError as error:
            messages.error(request, _("Nothing was changed."))
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(count)d record(s) updated.") % {"count": changed})
    return redirect(next_url or "cultivation:overview")


@predicate_required()
@require_POST
def refresh_recognitions(request, tier):
    _tier_or_404(tier)
    if not ENROLLMENT.get("recognise").permits(request.user, None):
        raise PermissionDenied
    recognised = services.detect_recognitions(tier)
    messages.success(
        request, _("%(count)d enterprise(s) recognised from certificates in the registry.") % {"count": len(recognised)}
    )
    return redirect("cultivation:board", tier=tier)


FUNNEL_HEADERS = [
    gettext_lazy("Tier"), gettext_lazy("Cohort year"), gettext_lazy("Candidates"), gettext_lazy("Enrolled"),
    gettext_lazy("Recognised"), gettext_lazy("Exited"), gettext_lazy("Enrolment rate"),
    gettext_lazy("Recognition rate"), gettext_lazy("Overall rate"),
]


class FunnelView(PipelinePage, TemplateView):
    template_name = "cultivation/funnel.html"

    def tiers(self):
        for key, label in Tier.choices:
            rows = Enrollment.objects.visible_to(self.request.user).for_tier(key).funnel()
            yield key, label, rows

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            rows = (
                [str(label), row["year"], row["candidates"], row["enrolled"], row["recognised"], row["exited"],
                 row["enrolment_rate"], row["recognition_rate"], row["overall_rate"]]
                for key, label, funnel in self.tiers()
                for row in funnel
            )
            title = str(_("Cultivation funnel by year"))
            headers = [Column(str(h), "", kind=PERCENT if index >= 6 else None) for index, h in enumerate(FUNNEL_HEADERS)]
            return xlsx_response(dated_filename(title), headers, rows, _("Funnel"), caption=title)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        tiers = []
        for key, label, rows in self.tiers():
            for row in rows:
                row.update({name: _percent(row[name]) for name in ("enrolment_rate", "recognition_rate", "overall_rate")})
            observed = services.conversion_rates(key)
            tiers.append({"key": key, "label": label, "rows": rows, "observed": {
                name: _percent(observed[name]) for name in ("enrolment", "recognition", "overall")
            }})
        chart = [
            {"key": t["key"], "years": [r["year"] for r in t["rows"]],
             "candidates": [r["candidates"] for r in t["rows"]], "enrolled": [r["enrolled"] for r in t["rows"]],
             "recognised": [r["recognised"] for r in t["rows"]]}
            for t in tiers
            if t["rows"]
        ]
        labels = {"candidates": _("Candidates"), "enrolled": _("Enrolled"), "recognised": _("Recognised")}
        return super().get_context_data(tiers=tiers, chart=chart, labels=labels, **kwargs)


# Enterprise self-service: "my path" to every tier.


def _path_enterprise(request, pk) -> Enterprise:
    """The enterprise, if the user may read its path; 404 otherwise, so that another firm's existence
    is not revealed either."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    if not can_view_path(request.user, enterprise):
        raise Http404
    return enterprise


class PathStartView(PredicateRequiredMixin, View):
    """Where "my path" begins: straight to the user's enterprise, or a choice when there are several
    (or, for officers, a search)."""

    def get(self, request):
        enterprises = Enterprise.objects.visible_to(request.user)
        query = request.GET.get("q", "")
        if not can_view_pipeline(request.user):
            if enterprises.count() == 1:
                return redirect("cultivation:path", pk=enterprises.get().pk)
        elif not query:
            enterprises = enterprises.none()
        return render(
            request, "cultivation/path_start.html", {"enterprises": enterprises.search(query)[:50], "query": query}
        )


@predicate_required()
def path_overview(request, pk):
    enterprise = _path_enterprise(request, pk)
    today = clock.today()
    open_enrollments = {e.tier: e for e in enterprise.enrollments.open()}
    held = set(Certificate.objects.valid_on(today).filter(enterprise=enterprise).values_list("kind", flat=True))
    # One profile for every tier: read per tier, the page ran the profile's dozen queries six times.
    profile = profile_for(enterprise)
    tiers = []
    for key, label in Tier.choices:
        result = evaluate_profile(profile, key, today)
        tiers.append({
            "key": key, "label": label, "short": TIER_SHORT[key], "result": result,
            "holds": key in held, "enrollment": open_enrollments.get(key),
        })
    return render(request, "cultivation/path_overview.html", {"enterprise": enterprise, "tiers": tiers, "as_of": today})


@predicate_required()
def path_detail(request, pk, tier):
    enterprise = _path_enterprise(request, pk)
    _tier_or_404(tier)
    today = clock.today()
    result = evaluate_enterprise(enterprise, tier, today)
    return render(
        request,
        "cultivation/path_detail.html",
        {
            "enterprise": enterprise,
            "tier": tier,
            "tier_label": Tier(tier).label,
            "title": _("My path to %(tier)s") % {"tier": TIER_SHORT[tier]},
            "result": result,
            "as_of": today,
            "holds": Certificate.objects.valid_on(today).filter(enterprise=enterprise, kind=tier).first(),
        },
    )
