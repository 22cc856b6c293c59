from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import ExtractYear, Substr
from django.db import transaction
from django.db.models import Avg, Count, F, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from kechuang.core import clock
from kechuang.core.bounds import id_param, year_param
from kechuang.core.choices import DomainLevel
from kechuang.core.models import HighTechDomain
from kechuang.core.views import ObjectListView, PredicateRequiredMixin
from kechuang.registry.models import Enterprise
from kechuang.techmarket import permissions as perms
from kechuang.techmarket import services
from kechuang.techmarket.choices import (
    AchievementStatus,
    BuyerLocation,
    ChallengeStatus,
    ContractStatus,
    ContractType,
    DemandStatus,
    MatchStage,
)
from kechuang.techmarket.filtersets import (
    AchievementFilterSet,
    ChallengeFilterSet,
    ContractFilterSet,
    DemandFilterSet,
    MatchFilterSet,
)
from kechuang.techmarket.forms import (
    AchievementForm,
    ChallengeForm,
    ContractForm,
    CorrectionForm,
    DemandForm,
    MatchMoveForm,
    MilestoneForm,
    ProposalForm,
    ReviewForm,
)
from kechuang.techmarket.matcher import index
from kechuang.techmarket.models import (
    Achievement,
    Challenge,
    Demand,
    Institution,
    Match,
    Milestone,
    Proposal,
    Review,
    TechContract,
)
from kechuang.techmarket.workflows import ACHIEVEMENT, CHALLENGE, CONTRACT, DEMAND, MATCH, MILESTONE
from kechuang.techmarket.tables import (
    ACHIEVEMENT_COLUMNS,
    CHALLENGE_COLUMNS,
    CONTRACT_COLUMNS,
    DEMAND_COLUMNS,
    MATCH_COLUMNS,
)

MATCH_TOP = 10


def _refusal(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_refusal(form, error: ValidationError) -> None:
    """A service refusal shown on the form, field by field where the service names the field."""
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


# ---------------------------------------------------------------------------------------- lists


class AchievementListView(ObjectListView):
    model = Achievement
    filterset_class = AchievementFilterSet
    columns = ACHIEVEMENT_COLUMNS
    title = _("Technology achievements")
    export_name = "achievements"
    template_name = "techmarket/list.html"

    def base_queryset(self):
        return Achievement.objects.visible_to(self.request.user).select_related("owner", "high_tech_domain")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "new_url": reverse("techmarket:achievement-new")
                if perms.can_post_achievement(self.request.user) else None}


class DemandListView(ObjectListView):
    model = Demand
    filterset_class = DemandFilterSet
    columns = DEMAND_COLUMNS
    title = _("Technology demands")
    export_name = "demands"
    template_name = "techmarket/list.html"

    def base_queryset(self):
        return Demand.objects.visible_to(self.request.user).select_related("enterprise", "high_tech_domain")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "new_url": reverse("techmarket:demand-new")
                if perms.can_post_demand(self.request.user) else None}


class MatchListView(ObjectListView):
    model = Match
    filterset_class = MatchFilterSet
    columns = MATCH_COLUMNS
    title = _("Matches")
    export_name = "matches"

    def base_queryset(self):
        return Match.objects.visible_to(self.request.user).select_related("demand", "achievement__owner", "contract")


class ChallengeListView(ObjectListView):
    model = Challenge
    filterset_class = ChallengeFilterSet
    columns = CHALLENGE_COLUMNS
    title = _("Open challenges")
    export_name = "challenges"

    def base_queryset(self):
        return Challenge.objects.visible_to(self.request.user).select_related("demand__enterprise", "account")


class ContractListView(ObjectListView):
    model = TechContract
    filterset_class = ContractFilterSet
    columns = CONTRACT_COLUMNS
    title = _("Technology contracts")
    export_name = "contracts"
    template_name = "techmarket/list.html"

    def base_queryset(self):
        return TechContract.objects.visible_to(self.request.user).select_related("seller", "buyer_region")

    def get_context_data(self, **kwargs):
        user = self.request.user
        registrar = perms.can_register_contract(user)
        return {
            **super().get_context_data(**kwargs),
            "new_url": reverse("techmarket:contract-new") if registrar or user.enterprises.exists() else None,
            # The registry's import pages serve every app's importers; 技术合同登记 is kind "contracts".
            "import_url": reverse("core:import") if registrar else None,
            "template_url": reverse("core:import-template", args=["contracts"]) if registrar else None,
            "statistics_url": reverse("techmarket:contract-statistics") if perms.sees_market_statistics(user) else None,
        }


class PublicChallengeView(TemplateView):
    """The open challenges as anyone may see them (揭榜挂帅 is announced publicly)."""

    template_name = "techmarket/public_challenges.html"

    def get_context_data(self, **kwargs):
        challenges = Challenge.objects.visible_to(self.request.user).select_related("demand__enterprise")
        return {
            **super().get_context_data(**kwargs),
            "open": challenges.filter(status=ChallengeStatus.OPEN).order_by("deadline"),
            "decided": challenges.exclude(status=ChallengeStatus.OPEN).order_by("-result_published_on")[:20],
        }


# ------------------------------------------------------------------------------ achievements, demands


class RecordFormView(PredicateRequiredMixin, View):
    """Create or edit an achievement or a demand through its service."""

    model = None
    form_class = None
    template_name = "techmarket/form.html"

    def get_object(self, pk):
        return get_object_or_404(self.model.objects.visible_to(self.request.user), pk=pk) if pk else self.model()

    def allowed(self, obj) -> bool:
        raise NotImplementedError

    def form_kwargs(self) -> dict:
        raise NotImplementedError

    def save(self, form):
        raise NotImplementedError

    def dispatch(self, request, *args, pk=None, **kwargs):
        if not self.admits(request.user):
            return self.handle_no_permission()
        self.object = self.get_object(pk)
        if not self.allowed(self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        title = str(self.object) if self.object.pk else gettext("New %(thing)s") % {"thing": self.model._meta.verbose_name}
        return render(self.request, self.template_name, {"form": form, "title": title, "object": self.object})

    def get_form_class(self):
        return self.form_class

    def get(self, request):
        return self.render_form(self.get_form_class()(instance=self.object, **self.form_kwargs()))

    def post(self, request):
        form = self.get_form_class()(request.POST, instance=self.object, **self.form_kwargs())
        if form.is_valid():
            try:
                saved = self.save(form)
            except ValidationError as error:
                _form_refusal(form, error)
            else:
                messages.success(request, gettext("Saved."))
                return redirect(saved.get_absolute_url())
        return self.render_form(form)


class AchievementFormView(RecordFormView):
    model = Achievement
    form_class = AchievementForm

    def allowed(self, obj):
        return perms.can_edit_achievement(self.request.user, obj) if obj.pk else perms.can_post_achievement(self.request.user)

    def form_kwargs(self):
        user = self.request.user
        return {"owners": None if perms.is_registrar(user) else user.institutions.all()}

    def save(self, form):
        with transaction.atomic():
            achievement = services.save_achievement(form.save(commit=False), self.request.user)
            if "publish" in self.request.POST:
                services.move_achievement(achievement, "publish", self.request.user)
        return achievement


class DemandFormView(RecordFormView):
    model = Demand
    form_class = DemandForm

    def allowed(self, obj):
        return perms.can_edit_demand(self.request.user, obj) if obj.pk else perms.can_post_demand(self.request.user)

    def form_kwargs(self):
        user = self.request.user
        return {"enterprises": None if perms.is_registrar(user) else user.enterprises.all()}

    def save(self, form):
        return services.save_demand(form.save(commit=False), self.request.user)


def _ranked(model, ranked, visible):
    """[(object, score, reasons)] in ranking order, keeping only what the user may see."""
    objects = visible.in_bulk([pk for pk, _score, _reasons in ranked])
    return [(objects[pk], score, reasons) for pk, score, reasons in ranked if pk in objects]


class AchievementDetailView(PredicateRequiredMixin, View):
    def get(self, request, pk):
        achievement = get_object_or_404(
            Achievement.objects.visible_to(request.user).select_related("owner", "high_tech_domain", "industry"), pk=pk
        )
        can_edit = perms.can_edit_achievement(request.user, achievement)
        context = {"object": achievement, "can_edit": can_edit, "transitions": ACHIEVEMENT.buttons(request.user, achievement)}
        if can_edit and achievement.status == AchievementStatus.PUBLISHED:
            context["ranked"] = _ranked(Demand, index.demands_for(achievement, MATCH_TOP), Demand.objects.visible_to(request.user))
        return render(request, "techmarket/achievement_detail.html", context)


def _buttons(*workflows) -> set[str]:
    """The names of the declared transitions a page may offer (not the consequence-only ones): the only
    names an action view accepts."""
    return {t.name for workflow in workflows for t in workflow if t.button}


class TransitionView(PredicateRequiredMixin, View):
    """POST transition=<name>: one declared step on one record, taken through its service."""

    model = workflow = None

    def take(self, obj, name, user):
        raise NotImplementedError

    def post(self, request, pk):
        obj = get_object_or_404(self.model.objects.visible_to(request.user), pk=pk)
        name = request.POST.get("transition", "")
        if name not in _buttons(self.workflow):
            raise PermissionDenied
        try:
            self.take(obj, name, request.user)
        except ValidationError as error:
            _refusal(request, error)
        return redirect(obj.get_absolute_url())


class AchievementStatusView(TransitionView):
    model, workflow = Achievement, ACHIEVEMENT

    def take(self, obj, name, user):
        services.move_achievement(obj, name, user)


class DemandStatusView(TransitionView):
    model, workflow = Demand, DEMAND

    def take(self, obj, name, user):
        services.move_demand(obj, name, user)


class DemandDetailView(PredicateRequiredMixin, View):
    def get(self, request, pk):
        demand = get_object_or_404(Demand.objects.visible_to(request.user).select_related("enterprise"), pk=pk)
        context = {
            "object": demand,
            "can_edit": perms.can_edit_demand(request.user, demand),
            "can_match": perms.can_match(request.user),
            "transitions": DEMAND.buttons(request.user, demand),
            "challenges": demand.challenges.all(),
            # Only the matches this user may open: an institution sees its own, not its competitors'.
            "matches": Match.objects.visible_to(request.user).filter(demand=demand).select_related("achievement__owner"),
        }
        if context["can_edit"]:
            visible = Achievement.objects.visible_to(request.user).select_related("owner")
            context["ranked"] = _ranked(Achievement, index.achievements_for(demand, MATCH_TOP), visible)
            ranked_institutions = index.institutions_for(demand)
            institutions = Institution.objects.in_bulk([pk for pk, _s, _a in ranked_institutions])
            context["institutions"] = [
                (institutions[pk], score, len(achievements))
                for pk, score, achievements in ranked_institutions if pk in institutions
            ]
        if context["can_match"] and demand.status == DemandStatus.OPEN:
            context["challenge_form"] = ChallengeForm(initial={"title": demand.title})
        return render(request, "techmarket/demand_detail.html", context)


class RecommendView(PredicateRequiredMixin, View):
    """An officer records a ranked achievement as a recommended match for the demand."""

    predicate = perms.can_match

    def post(self, request, pk):
        demand = get_object_or_404(Demand, pk=pk)
        wanted = id_param(request.POST.get("achievement"))
        for achievement_pk, score, reasons in index.achievements_for(demand, MATCH_TOP):
            if achievement_pk == wanted:
                services.recommend(demand, Achievement.objects.get(pk=wanted), request.user, score, reasons)
                messages.success(request, gettext("Recorded as a recommended match."))
        return redirect(demand.get_absolute_url())


class LaunchChallengeView(PredicateRequiredMixin, View):
    predicate = perms.can_manage_challenge

    def post(self, request, pk):
        demand = get_object_or_404(Demand, pk=pk)
        form = ChallengeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                challenge = services.launch_challenge(
                    demand, request.user, data["support_amount"], data["deadline"], data["title"], data["reviewers"]
                )
            except ValidationError as error:
                _refusal(request, error)
            else:
                return redirect(challenge.get_absolute_url())
        else:
            for problems in form.errors.values():
                for problem in problems:
                    messages.error(request, problem)
        return redirect(demand.get_absolute_url())


# ---------------------------------------------------------------------------------------- matches


class MatchDetailView(PredicateRequiredMixin, View):
    def dispatch(self, request, pk):
        self.match = get_object_or_404(
            Match.objects.visible_to(request.user).select_related("demand", "achievement__owner", "contract"), pk=pk
        )
        return super().dispatch(request, pk)

    def render(self, form):
        return render(self.request, "techmarket/match_detail.html", {"object": self.match, "form": form})

    def get(self, request, pk):
        transitions = MATCH.buttons(request.user, self.match)
        return self.render(MatchMoveForm(transitions=transitions) if perms.can_match(request.user) else None)

    def post(self, request, pk):
        if not perms.can_match(request.user):
            raise PermissionDenied
        form = MatchMoveForm(request.POST, transitions=MATCH.buttons(request.user, self.match))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.move_match(self.match, data["stage"], request.user, data["contract"], data["note"])
            except ValidationError as error:
                _form_refusal(form, error)
            else:
                return redirect(self.match.get_absolute_url())
        return self.render(form)


# ------------------------------------------------------------------------------------- challenges


class ChallengeDetailView(View):
    """The challenge as everyone sees it, plus what the user may do: apply, score, decide, pay."""

    def get_context(self, request, challenge, **forms):
        user = request.user
        proposals = Proposal.objects.visible_to(user).filter(challenge=challenge).select_related("institution", "enterprise")
        mine = Review.objects.filter(proposal=OuterRef("pk"), reviewer_id=getattr(user, "pk", None)).values("score")[:1]
        proposals = proposals.annotate(
            reviews_count=Count("reviews"), average_score=Avg("reviews__score"), my_score=Subquery(mine)
        )
        manage = perms.can_manage_challenge(user)
        transitions = CHALLENGE.buttons(user, challenge)
        return {
            "object": challenge,
            # the challenge's own buttons; choosing the winner sits on each proposal's row
            "transitions": [t for t in transitions if t.name != "award"],
            "can_award": any(t.name == "award" for t in transitions),
            "ledger_entries": _ledger_rows(challenge),
            "proposals": proposals,
            "milestones": [_with_steps(MILESTONE, user, m) for m in challenge.milestones.all()],
            "can_apply": perms.can_apply_to_challenge(user, challenge)
            and not Proposal.objects.filter(challenge=challenge).of_user(user).exists(),
            "can_review": perms.can_review(user, challenge) and challenge.status == ChallengeStatus.REVIEWING,
            "can_manage": manage,
            "proposal_form": forms.get("proposal_form") or ProposalForm(),
            "milestone_form": forms.get("milestone_form") or MilestoneForm(),
            "review_form": ReviewForm(),
            "statuses": ChallengeStatus,
        }

    def get(self, request, pk):
        challenge = get_object_or_404(
            Challenge.objects.visible_to(request.user).select_related("demand__enterprise", "account"), pk=pk
        )
        return render(request, "techmarket/challenge_detail.html", self.get_context(request, challenge))


def _with_steps(workflow, user, obj):
    obj.steps = workflow.buttons(user, obj)
    return obj


def _ledger_rows(challenge):
    """The challenge account's entries with the milestone each one paid."""
    milestones = challenge.milestones.in_bulk()
    milestones = {reference: milestones[pk] for pk, reference in services.milestone_references(challenge).items()}
    return [(entry, milestones.get(entry.reference)) for entry in challenge.ledger_entries()]


class ChallengeActionView(PredicateRequiredMixin, View):
    """Every POST on a challenge page: apply, score or plan a milestone, or take a workflow step that
    workflows.CHALLENGE or workflows.MILESTONE declares (start-review, award, close-unsolved, accept),
    named by the URL's last part. Anything else is refused and changes nothing."""

    FORMS = ("apply", "score", "milestone")

    def post(self, request, pk, action):
        challenge = get_object_or_404(Challenge, pk=pk)
        name = action.replace("-", "_")
        if name in self.FORMS:
            handler = getattr(self, f"do_{name}")
        elif name in _buttons(CHALLENGE, MILESTONE):
            handler = self.steps()[name]
        else:
            raise PermissionDenied
        try:
            response = handler(request, challenge)
        except ValidationError as error:
            _refusal(request, error)
            response = None
        return response or redirect(challenge.get_absolute_url())

    def steps(self) -> dict:
        """Each declared step with the service that takes it (and what it is taken on)."""

        def award(request, challenge):
            proposal = get_object_or_404(Proposal, pk=id_param(request.POST.get("proposal")), challenge=challenge)
            services.choose_winner(challenge, proposal, request.user)

        def close_unsolved(request, challenge):
            services.close_unsolved(challenge, request.user)
            messages.success(request, gettext("The challenge is closed and its demand is back in the pool."))

        def accept(request, challenge):
            milestone = get_object_or_404(Milestone, pk=id_param(request.POST.get("milestone")), challenge=challenge)
            services.accept_milestone(milestone, request.user)
            messages.success(request, gettext("Milestone accepted; its payment is released."))

        def start_review(request, challenge):
            services.start_review(challenge, request.user)

        return {
            "start_review": start_review,
            "award": award,
            "close_unsolved": close_unsolved,
            "accept": accept,
        }

    def _officer(self, request):
        if not perms.can_manage_challenge(request.user):
            raise PermissionDenied

    def do_apply(self, request, challenge):
        if not perms.can_apply_to_challenge(request.user, challenge):
            raise PermissionDenied
        form = ProposalForm(request.POST)
        if not form.is_valid():
            return render(request, "techmarket/challenge_detail.html",
                          ChallengeDetailView().get_context(request, challenge, proposal_form=form))
        proposal = form.save(commit=False)
        proposal.institution = perms.institution_of(request.user) if request.user.role == "institution" else None
        proposal.enterprise = perms.enterprise_of(request.user) if proposal.institution is None else None
        services.submit_proposal(challenge, request.user, proposal)
        messages.success(request, gettext("Your proposal was submitted."))

    def do_score(self, request, challenge):
        proposal = get_object_or_404(Proposal, pk=id_param(request.POST.get("proposal")), challenge=challenge)
        form = ReviewForm(request.POST)
        if form.is_valid():
            services.score_proposal(proposal, request.user, form.cleaned_data["score"], form.cleaned_data["comment"])
            messages.success(request, gettext("Score recorded."))

    def do_milestone(self, request, challenge):
        self._officer(request)
        form = MilestoneForm(request.POST)
        if not form.is_valid():
            return render(request, "techmarket/challenge_detail.html",
                          ChallengeDetailView().get_context(request, challenge, milestone_form=form))
        data = form.cleaned_data
        services.add_milestone(challenge, request.user, data["title"], data["due_on"], data["amount"])


# ---------------------------------------------------------------------------------------- contracts


class ContractDetailView(PredicateRequiredMixin, View):
    def get(self, request, pk):
        contract = get_object_or_404(TechContract.objects.visible_to(request.user).select_related("seller", "buyer_region"), pk=pk)
        return render(request, "techmarket/contract_detail.html", {
            "object": contract,
            "changes": contract.changes.select_related("by"),
            "can_register": perms.can_register_contract(request.user),
            "transitions": CONTRACT.buttons(request.user, contract),
        })


class ContractFormView(RecordFormView):
    """A new application, or (registrar) a correction of an application or registered contract."""

    model = TechContract
    form_class = ContractForm

    def allowed(self, obj):
        user = self.request.user
        if obj.pk:
            return perms.can_register_contract(user) and obj.status in (ContractStatus.APPLIED, ContractStatus.REGISTERED)
        return perms.can_register_contract(user) or user.enterprises.exists()

    def form_kwargs(self):
        user = self.request.user
        registrar = perms.can_register_contract(user)
        return {"sellers": Enterprise.objects.all() if registrar else user.enterprises.all(), "registrar": registrar}

    def get_form_class(self):
        return CorrectionForm if self.object.pk else ContractForm

    def save(self, form):
        contract = form.instance
        if not perms.can_apply_contract(self.request.user, contract.seller):
            raise PermissionDenied
        if not contract.pk:
            return services.apply_contract(contract, self.request.user)
        changes = {field: getattr(contract, field) for field in services.CORRECTABLE}
        stored = TechContract.objects.get(pk=contract.pk)
        return services.correct_contract(stored, self.request.user, changes, form.cleaned_data["reason"])


class ContractActionView(PredicateRequiredMixin, View):
    predicate = perms.can_register_contract

    def post(self, request, pk, action):
        contract = get_object_or_404(TechContract, pk=pk)
        step = {"register": services.register_contract, "refuse": services.refuse_contract, "cancel": services.cancel_contract}
        if action not in _buttons(CONTRACT):
            raise PermissionDenied
        reason = request.POST.get("comment", request.POST.get("reason", ""))
        try:
            if action == "register":
                services.register_contract(contract, request.user)
                messages.success(request, gettext("Registered as %(number)s.") % {"number": contract.registration_number})
            else:
                step[action](contract, request.user, reason)
        except ValidationError as error:
            _refusal(request, error)
        return redirect(contract.get_absolute_url())


# ------------------------------------------------------------------------------ statistics, overview


def _domain_names() -> dict:
    return dict(HighTechDomain.objects.filter(level=DomainLevel.DOMAIN).values_list("code", "name"))


class ContractStatisticsView(PredicateRequiredMixin, View):
    """技术合同成交额 by year, type, seller domain and buyer location, for in-district sellers by default."""

    predicate = perms.sees_market_statistics

    def get(self, request):
        everyone = request.GET.get("sellers") == "all"
        contracts = TechContract.objects.registered()
        if not everyone:
            contracts = contracts.sold_from_district()
        year = year_param(request.GET.get("year"))
        if year is not None:
            contracts = contracts.filter(registered_on__year=year)
        domains = _domain_names()
        context = {
            "everyone": everyone,
            "year": year or "",
            "total": contracts.turnover(),
            "by_year": contracts.turnover_by(year=ExtractYear("registered_on")),
            "by_type": [(ContractType(row["by_type"]).label, row) for row in contracts.turnover_by(type=F("contract_type"))],
            "by_domain": [
                (domains.get(row["by_domain"], gettext("Not recorded")), row)
                for row in contracts.turnover_by(domain=Substr("seller__high_tech_domain__code", 1, 2))
            ],
            "by_location": [(BuyerLocation(key).label, total) for key, total in contracts.turnover_by_location().items()],
            "contracts_url": reverse("techmarket:contracts"),
        }
        return render(request, "techmarket/contract_statistics.html", context)


def _by_domain(queryset, domains) -> dict:
    rows = queryset.annotate(top=Substr("high_tech_domain__code", 1, 2)).values("top").annotate(n=Count("id")).order_by()
    return {domains.get(row["top"], gettext("Not recorded")): row["n"] for row in rows}


class MarketOverviewView(PredicateRequiredMixin, TemplateView):
    """The market at a glance: turnover of in-district sellers by year and type, where buyers sit,
    achievements and demands by domain, and the match funnel. Every figure links to its list."""

    template_name = "techmarket/overview.html"
    predicate = perms.sees_market_statistics

    def get_context_data(self, **kwargs):
        today = clock.today()
        contracts = TechContract.objects.registered().sold_from_district()
        by_year_type = contracts.turnover_by(year=ExtractYear("registered_on"), type=F("contract_type"))
        years = sorted({row["by_year"] for row in by_year_type})
        domains = _domain_names()
        achievements = _by_domain(Achievement.objects.published(), domains)
        demands = _by_domain(Demand.objects.in_pool(), domains)
        domain_labels = sorted(set(achievements) | set(demands))
        funnel = Match.objects.funnel()
        conversion = Match.objects.conversion_by_year()
        charts = {
            "turnover": [
                {
                    "type": "bar", "name": label, "x": years,
                    "y": [float(next((r["total"] for r in by_year_type if r["by_year"] == y and r["by_type"] == value), 0)) for y in years],
                }
                for value, label in ContractType.choices
            ],
            "location": [{
                "type": "pie", "hole": 0.45, "sort": False,
                "labels": [str(BuyerLocation(k).label) for k in BuyerLocation.values],
                "values": [float(v) for v in contracts.turnover_by_location().values()],
            }],
            "domains": [
                {"type": "bar", "orientation": "h", "name": gettext("Published achievements"), "y": domain_labels,
                 "x": [achievements.get(d, 0) for d in domain_labels]},
                {"type": "bar", "orientation": "h", "name": gettext("Demands in the pool"), "y": domain_labels,
                 "x": [demands.get(d, 0) for d in domain_labels]},
            ],
            "funnel": [{
                "type": "funnel", "y": [str(MatchStage(s).label) for s in funnel], "x": list(funnel.values()),
                "textinfo": "value+percent initial",
            }],
        }
        current = contracts.filter(registered_on__year=today.year)
        return {
            **super().get_context_data(**kwargs),
            "today": today,
            "year_turnover": current.turnover(),
            "year_count": current.count(),
            "achievement_count": Achievement.objects.published().count(),
            "demand_count": Demand.objects.in_pool().count(),
            "challenge_count": Challenge.objects.filter(status=ChallengeStatus.OPEN).count(),
            "by_year": contracts.turnover_by_year(),
            "conversion": conversion,
            "charts": charts,
        }
