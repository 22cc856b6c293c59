"""Listing pool, innovation finance and innovation points pages: thin views over services.py."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, TemplateView

from kechuang.core import clock
from kechuang.core.bounds import year_param
from kechuang.core.tables import Column
from kechuang.core.views import ObjectListView, PredicateRequiredMixin
from kechuang.finance import listing, matching, permissions as perms, services
from kechuang.finance.choices import BOARD_RULESETS, STAGE_ORDER, Board, ListingStage, PoolTier
from kechuang.finance.filtersets import (CandidateFilterSet, DemandFilterSet, EntryFilterSet, PointsFilterSet,
                                        ProductFilterSet)
from kechuang.finance.forms import (DemandForm, EntryForm, FiguresForm, FollowUpForm, FundingForm, MilestoneForm,
                                    ResolveForm, StageForm)
from kechuang.finance.models import (FinancingDemand, FollowUp, Fund, ListingEntry, ListingScreening, PointsRun,
                                     PointsScore, Product)
from kechuang.finance.workflows import DEMAND

# Pool targets of 《滨海新区上市企业三年倍增行动计划（2023-2025年）》 (ecosystem-facts.md §2.6; 文号 UNVERIFIED).
POOL_TARGETS = {PoolTier.REVIEW: 34, PoolTier.KEY: 116, PoolTier.RESERVE: 580}


def _fail(request, error):
    for message in (error.messages if hasattr(error, "messages") else [str(error)]):
        messages.error(request, message)


def _form_errors(request, form):
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


class FinancePage(PredicateRequiredMixin):
    predicate = perms.can_view_finance

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=perms.can_manage_finance(self.request.user), **kwargs)


class OverviewView(FinancePage, TemplateView):
    template_name = "finance/overview.html"

    def get_context_data(self, **kwargs):
        counts = {(r["tier"], r["stage"]): r["n"] for r in
                  ListingEntry.objects.in_pool().order_by().values("tier", "stage").annotate(n=Count("pk"))}
        tiers = [{"label": PoolTier(tier).label, "target": POOL_TARGETS[tier],
                  "counts": [counts.get((tier, stage), 0) for stage in STAGE_ORDER],
                  "total": sum(counts.get((tier, stage), 0) for stage in STAGE_ORDER)} for tier in PoolTier.values]
        demands = FinancingDemand.objects.order_by().values("state").annotate(n=Count("pk"), sought=Sum("amount"),
                                                                              funded=Sum("funded_amount"))
        return super().get_context_data(
            stages=[ListingStage(s).label for s in STAGE_ORDER], tiers=tiers, demands=[
                {"state": FinancingDemand(state=d["state"]).get_state_display(), **d} for d in demands],
            funded=FinancingDemand.objects.funded().aggregate(total=Sum("funded_amount"), n=Count("pk")),
            runs=PointsRun.objects.all()[:5], **kwargs)


ENTRY_COLUMNS = [
    Column(gettext_lazy("Enterprise"), "enterprise.name"),
    Column(gettext_lazy("Unified social credit code"), "enterprise.uscc"),
    Column(gettext_lazy("Target board"), "board"),
    Column(gettext_lazy("Pool tier"), "tier"),
    Column(gettext_lazy("Stage"), "stage"),
    Column(gettext_lazy("Stage reached on"), "stage_on"),
    Column(gettext_lazy("Sponsor"), "sponsor"),
    Column(gettext_lazy("Open needs"), "open_needs", numeric=True),
]


class EntryListView(ObjectListView):
    model = ListingEntry
    filterset_class = EntryFilterSet
    columns = ENTRY_COLUMNS
    title = gettext_lazy("Listing reserve pool")
    export_name = "listing-pool"
    template_name = "finance/entry_list.html"

    def base_queryset(self):
        return (super().base_queryset().select_related("enterprise")
                .annotate(open_needs=Count("follow_ups", filter=Q(follow_ups__resolved_on__isnull=True))).order_by("enterprise__name"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=perms.can_manage_finance(self.request.user), **kwargs)


class EntryCreateView(PredicateRequiredMixin, TemplateView):
    predicate = perms.can_manage_finance
    template_name = "finance/form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Add an enterprise to the listing pool"),
                                        form=kwargs.get("form") or EntryForm(initial=self.request.GET or None), **kwargs)

    def post(self, request):
        form = EntryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.add_to_pool(data.pop("enterprise"), data.pop("board"), request.user, **data)
            except ValidationError as error:
                _fail(request, error)
            else:
                return redirect(entry)
        return self.render_to_response(self.get_context_data(form=form))


class EntryDetailView(PredicateRequiredMixin, DetailView):
    predicate = perms.uses_finance
    template_name = "finance/entry.html"
    context_object_name = "entry"

    def get_queryset(self):
        return ListingEntry.objects.visible_to(self.request.user).select_related("enterprise", "officer")

    def get_context_data(self, **kwargs):
        entry = self.object
        manage = perms.can_manage_finance(self.request.user)
        return super().get_context_data(
            can_manage=manage, evaluation=listing.evaluate_entry(entry),
            stage_records=entry.stage_records.select_related("by"), milestones=entry.milestones.all(),
            follow_ups=entry.follow_ups.all(),
            stage_form=StageForm(initial={"date": clock.today()}) if manage else None,
            figures_form=FiguresForm(instance=entry) if manage else None,
            follow_up_form=FollowUpForm() if manage else None, resolve_form=ResolveForm() if manage else None,
            milestone_form=MilestoneForm() if manage else None, **kwargs)


class EntryActionView(PredicateRequiredMixin, View):
    """The entry's writes, each a service: stage, figures, follow-up, resolution, milestone."""

    predicate = perms.can_manage_finance

    def post(self, request, pk, action):
        entry = get_object_or_404(ListingEntry.objects.visible_to(request.user), pk=pk)
        forms = {"stage": StageForm, "figures": FiguresForm, "follow-up": FollowUpForm, "resolve": ResolveForm,
                 "milestone": MilestoneForm}
        if action not in forms:
            raise Http404
        form = forms[action](request.POST, instance=entry) if action == "figures" else forms[action](request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect(entry)
        data = form.cleaned_data
        try:
            if action == "stage":
                services.move_stage(entry, data["stage"], request.user, date=data["date"], reason=data["reason"],
                                    tier=data["tier"] or None)
            elif action == "figures":
                services.save_entry(form, request.user)
            elif action == "follow-up":
                services.record_follow_up(entry, data["need"], data["handler"], request.user, raised_on=data["raised_on"])
            elif action == "resolve":
                follow_up = get_object_or_404(FollowUp, pk=request.POST.get("follow_up"), entry=entry)
                services.resolve_follow_up(follow_up, data["resolution"], request.user, resolved_on=data["resolved_on"])
            else:
                services.add_milestone(entry, data["title"], request.user, due_on=data["due_on"], done_on=data["done_on"])
        except (ValidationError, PermissionDenied) as error:
            _fail(request, error)
        else:
            messages.success(request, _("Saved."))
        return redirect(entry)


def _board_label(row):
    return str(Board(row.board).label)


CANDIDATE_COLUMNS = [
    Column(gettext_lazy("Enterprise"), "enterprise.name"),
    Column(gettext_lazy("Unified social credit code"), "enterprise.uscc"),
    Column(gettext_lazy("Board"), _board_label),
    Column(gettext_lazy("Standard met on registry facts"), lambda r: listing.standard_label(r.board, r.standard, r.as_of)),
    Column(gettext_lazy("Gaps"), "gap_count", numeric=True),
    Column(gettext_lazy("What is still open"), lambda r: "；".join(listing.open_points(r.detail))),
    Column(gettext_lazy("Screened as of"), "as_of"),
]


class CandidateListView(FinancePage, ObjectListView):
    model = ListingScreening
    filterset_class = CandidateFilterSet
    columns = CANDIDATE_COLUMNS
    title = gettext_lazy("Listing candidates")
    export_name = "listing-candidates"
    template_name = "finance/candidates.html"
    intro = gettext_lazy(
        "Enterprises of the district whose registry facts fail none of a board's listing criteria and meet every "
        "criterion the registry can check of one of its standards (suggested), or are one fixable gap away. The "
        "registry holds no market value, net profit or operating cash flow: those criteria stay to be checked and "
        "are filled in on the pool entry. Enterprises already in the pool are left out."
    )

    def base_queryset(self):
        return (super().base_queryset().outside_pool()
                .select_related("enterprise").order_by("-suggested", "gap_count", "board", "enterprise__name"))

    def prepare_rows(self, rows):
        return listing.explain_rows(rows)


class ScreenView(PredicateRequiredMixin, View):
    predicate = perms.can_manage_finance

    def post(self, request):
        counts = listing.screen()
        messages.success(request, _("Screened %(n)s enterprises; %(s)s suggestions.") % {
            "n": counts["enterprises"], "s": sum(counts["suggested"].values())})
        return redirect("finance:candidates")


DEMAND_COLUMNS = [
    Column(gettext_lazy("Enterprise"), "enterprise.name"),
    Column(gettext_lazy("Amount sought (10k yuan)"), "amount", numeric=True),
    Column(gettext_lazy("Form"), "form"),
    Column(gettext_lazy("Purpose"), "purpose"),
    Column(gettext_lazy("Posted on"), "posted_on"),
    Column(gettext_lazy("State"), "state"),
    Column(gettext_lazy("Recommended"), lambda d: str(d.product or d.fund or "")),
    Column(gettext_lazy("Amount granted or invested (10k yuan)"), "funded_amount", numeric=True),
]


class DemandListView(ObjectListView):
    model = FinancingDemand
    filterset_class = DemandFilterSet
    columns = DEMAND_COLUMNS
    title = gettext_lazy("Financing demands")
    export_name = "financing-demands"
    template_name = "finance/demand_list.html"
    predicate = perms.uses_finance

    def base_queryset(self):
        return super().base_queryset().select_related("enterprise", "product__institution", "fund")

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_post=perms.can_manage_finance(self.request.user) or perms.enterprise_of(self.request.user) is not None, **kwargs)


class DemandCreateView(PredicateRequiredMixin, TemplateView):
    predicate = perms.uses_finance
    template_name = "finance/form.html"

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or DemandForm()
        if not perms.can_manage_finance(self.request.user):
            form.fields.pop("enterprise", None)
        return super().get_context_data(title=_("Post a financing demand"), form=form, **kwargs)

    def post(self, request):
        form = DemandForm(request.POST)
        own = perms.enterprise_of(request.user)
        if not perms.can_manage_finance(request.user):
            form.fields.pop("enterprise")
        if form.is_valid():
            data = form.cleaned_data
            enterprise = data.pop("enterprise", None) or own
            if enterprise is None or not perms.can_post_demand(request.user, enterprise):
                raise PermissionDenied
            try:
                demand = services.post_demand(enterprise, data["amount"], data["form"], data["purpose"], request.user,
                                              term_months=data["term_months"], description=data["description"])
            except ValidationError as error:
                for field, errors in getattr(error, "message_dict", {"__all__": error.messages}).items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect(demand)
        return self.render_to_response(self.get_context_data(form=form))


class DemandDetailView(PredicateRequiredMixin, DetailView):
    predicate = perms.uses_finance
    template_name = "finance/demand.html"
    context_object_name = "demand"

    def get_queryset(self):
        return FinancingDemand.objects.visible_to(self.request.user).select_related("enterprise", "product__institution", "fund")

    def get_context_data(self, **kwargs):
        demand = self.object
        manage = perms.can_manage_finance(self.request.user)
        matches = []
        if manage and demand.state == "posted":
            matches = matching.match(demand, Product.objects.filter(active=True).select_related("institution"), Fund.objects.all())
        return super().get_context_data(
            can_manage=manage, matches=matches, steps=DEMAND.buttons(self.request.user, demand),
            may_fund=manage and demand.state == "due_diligence", funding_form=FundingForm(), **kwargs)


class DemandActionView(PredicateRequiredMixin, View):
    predicate = perms.uses_finance

    def post(self, request, pk, action):
        demand = get_object_or_404(FinancingDemand.objects.visible_to(request.user), pk=pk)
        try:
            if action == "recommend":
                product = Product.objects.filter(pk=request.POST.get("product") or None).first()
                fund = Fund.objects.filter(pk=request.POST.get("fund") or None).first()
                services.recommend(demand, request.user, product=product, fund=fund)
            elif action == "fund":
                form = FundingForm(request.POST)
                if not form.is_valid():
                    _form_errors(request, form)
                    return redirect(demand)
                services.fund_demand(demand, form.cleaned_data["amount"], request.user, date=form.cleaned_data["date"])
            else:
                services.advance(demand, action, request.user, comment=request.POST.get("comment", ""))
        except (ValidationError, PermissionDenied) as error:
            _fail(request, error)
        return redirect(demand)


PRODUCT_COLUMNS = [
    Column(gettext_lazy("Product"), "name"),
    Column(gettext_lazy("Institution"), "institution.name"),
    Column(gettext_lazy("Kind"), "kind"),
    Column(gettext_lazy("Minimum amount (10k yuan)"), "amount_min", numeric=True),
    Column(gettext_lazy("Maximum amount (10k yuan)"), "amount_max", numeric=True),
    Column(gettext_lazy("Industries served"), lambda p: "、".join(p.industries) or _("Any")),
    Column(gettext_lazy("Growth stages served"), lambda p: "、".join(p.stages) or _("Any")),
    Column(gettext_lazy("Terms"), "terms"),
]


class ProductListView(ObjectListView):
    model = Product
    filterset_class = ProductFilterSet
    columns = PRODUCT_COLUMNS
    title = gettext_lazy("Financing products")
    export_name = "financing-products"
    predicate = perms.uses_finance

    def base_queryset(self):
        return super().base_queryset().filter(active=True).select_related("institution")


FUND_COLUMNS = [
    Column(gettext_lazy("Fund"), "name"),
    Column(gettext_lazy("Level"), "level"),
    Column(gettext_lazy("Manager"), "manager"),
    Column(gettext_lazy("Size (10k yuan)"), "size", numeric=True),
    Column(gettext_lazy("Focus industries"), lambda f: "、".join(f.focus_industries)),
    Column(gettext_lazy("Investments"), "invested_count", numeric=True),
    Column(gettext_lazy("Invested (10k yuan)"), "invested", numeric=True),
]


class FundListView(FinancePage, ObjectListView):
    model = Fund
    columns = FUND_COLUMNS
    title = gettext_lazy("Funds and their investments")
    export_name = "funds"

    def base_queryset(self):
        return super().base_queryset().annotate(invested_count=Count("investments"), invested=Sum("investments__investment__amount")).order_by("level", "name")


POINTS_COLUMNS = [
    Column(gettext_lazy("Rank"), "rank", numeric=True),
    Column(gettext_lazy("Enterprise"), "enterprise.name"),
    Column(gettext_lazy("Unified social credit code"), "enterprise.uscc"),
    Column(gettext_lazy("Year"), "year", numeric=True),
    Column(gettext_lazy("Growth stage"), "stage"),
    Column(gettext_lazy("Innovation points"), "total", numeric=True),
    Column(gettext_lazy("Technology innovation"), "technology", numeric=True),
    Column(gettext_lazy("Growth and operation"), "growth", numeric=True),
    Column(gettext_lazy("Auxiliary"), "auxiliary", numeric=True),
    Column(gettext_lazy("Deduction"), "deduction", numeric=True),
]


class PointsListView(ObjectListView):
    """The ranking, and as .xlsx the list the bureau shares with banks (银行增信授信)."""

    model = PointsScore
    filterset_class = PointsFilterSet
    columns = POINTS_COLUMNS
    title = gettext_lazy("Innovation points")
    export_name = "innovation-points"
    template_name = "finance/points_list.html"
    predicate = perms.uses_finance

    def base_queryset(self):
        year = year_param(self.request.GET.get("year")) or PointsRun.objects.values_list("year", flat=True).first()
        return super().base_queryset().filter(year=year).select_related("enterprise").order_by("rank", "enterprise__name")

    def row_url(self, obj):
        return reverse("finance:points-detail", args=[obj.enterprise_id, obj.year])

    def get_context_data(self, **kwargs):
        from kechuang.finance.points import system

        return super().get_context_data(can_manage=perms.can_manage_finance(self.request.user), system=system(),
                                        this_year=clock.today().year - 1, **kwargs)


class PointsComputeView(PredicateRequiredMixin, View):
    predicate = perms.can_manage_finance

    def post(self, request):
        year = year_param(request.POST.get("year"))
        try:
            run = services.compute_points(year or clock.today().year - 1)
        except ValidationError as error:
            _fail(request, error)
            return redirect("finance:points")
        messages.success(request, _("Innovation points for %(year)s: %(n)s enterprises.") % {"year": run.year, "n": run.enterprises})
        return redirect(f"{reverse('finance:points')}?year={run.year}")


class PointsDetailView(PredicateRequiredMixin, TemplateView):
    predicate = perms.uses_finance
    template_name = "finance/points_detail.html"

    def get_context_data(self, **kwargs):
        from kechuang.finance.points import system
        from kechuang.registry.models import Enterprise

        enterprise = get_object_or_404(Enterprise.objects.visible_to(self.request.user), pk=self.kwargs["firm"])
        explained = services.points_explanation(enterprise, self.kwargs["year"])
        if explained is None:
            raise Http404
        return super().get_context_data(enterprise=enterprise, explained=explained, system=system(), **kwargs)


class MineView(PredicateRequiredMixin, TemplateView):
    """The enterprise's own: its pool entry, its financing demands, its innovation points."""

    predicate = perms.enterprise_of
    template_name = "finance/mine.html"

    def get_context_data(self, **kwargs):
        enterprise = perms.enterprise_of(self.request.user)
        entry = ListingEntry.objects.visible_to(self.request.user).filter(enterprise=enterprise).first()
        score = PointsScore.objects.visible_to(self.request.user).filter(enterprise=enterprise).order_by("-year").first()
        return super().get_context_data(
            enterprise=enterprise, entry=entry,
            demands=FinancingDemand.objects.visible_to(self.request.user).filter(enterprise=enterprise).select_related("product", "fund"),
            score=score, boards=[b for b in BOARD_RULESETS], **kwargs)
