"""Voucher pages: each role's workspace, claims with their workflow buttons, the provider catalogue and
instrument calendar, scheme ledgers and statistics. Views stay thin: every write is a service call."""
import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kechuang.core import clock
from kechuang.core.bounds import id_param, int_param, year_param
from kechuang.core.exports import dated_filename, xlsx_response
from kechuang.core.ledger import LedgerEntry, to_money
from kechuang.core.permissions import anyone
from kechuang.core.views import ObjectListView, PredicateRequiredMixin
from kechuang.registry.models import Enterprise
from kechuang.vouchers import permissions as perms
from kechuang.vouchers import services
from kechuang.vouchers.choices import ClaimState, ProviderStatus
from kechuang.vouchers.filtersets import ClaimFilterSet, ProviderFilterSet, ServiceFilterSet
from kechuang.vouchers.forms import BookingForm, ClaimForm, ProviderApplicationForm, RedemptionForm, ServiceForm
from kechuang.vouchers.models import Booking, Claim, Provider, Scheme, Service
from kechuang.vouchers.tables import CLAIM_COLUMNS, PROVIDER_COLUMNS, SERVICE_COLUMNS
from kechuang.vouchers.workflows import CLAIM, PROVIDER


def _refusal(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _scheme_rows(enterprise, on):
    """Each scheme open today with whether the firm may claim, why not, and what it has left."""
    rows = []
    for scheme in Scheme.objects.filter(valid_from__lte=on, valid_to__gte=on).select_related("account"):
        rows.append({
            "scheme": scheme,
            "reasons": services.ineligibility(scheme, enterprise, on),
            "remaining": services.remaining_cap(scheme, enterprise),
        })
    return rows


class WorkspaceView(PredicateRequiredMixin, View):
    """创新券: what the user's role does with vouchers, and what waits for it now."""

    predicate = perms.uses_vouchers

    def get(self, request):
        user, today = request.user, clock.today()
        context = {"today": today}
        if perms.can_manage_vouchers(user) or perms.sees_voucher_statistics(user):
            context.update(
                role="officer",
                queue=Claim.objects.filter(state=ClaimState.SUBMITTED).select_related("scheme", "enterprise", "provider")[:200],
                queue_count=Claim.objects.filter(state=ClaimState.SUBMITTED).count(),
                to_pay=Claim.objects.filter(state=ClaimState.REDEEMED).count(),
                providers_to_verify=Provider.objects.filter(status=ProviderStatus.APPLIED).count(),
                schemes=Scheme.objects.select_related("account"),
                may_manage=perms.can_manage_vouchers(user),
            )
        elif perms.uses_provider_workspace(user):
            provider = perms.provider_of(user)
            context.update(role="provider", provider=provider)
            if provider is not None:
                context.update(
                    services=provider.services.all(),
                    to_redeem=Claim.objects.filter(provider=provider, state=ClaimState.APPROVED).exclude(
                        scheme__kind="subsidy").select_related("scheme", "enterprise"),
                    recent=Claim.objects.filter(provider=provider).select_related("scheme", "enterprise")[:20],
                )
        else:
            enterprise = perms.enterprise_of(user)
            context.update(role="enterprise", enterprise=enterprise)
            if enterprise is not None:
                context.update(
                    schemes=_scheme_rows(enterprise, today),
                    claims=Claim.objects.filter(enterprise=enterprise).select_related("scheme", "provider")[:50],
                    bookings=Booking.objects.filter(enterprise=enterprise, ends_at__gte=timezone.now())
                    .select_related("service__provider")[:50],
                )
        return render(request, "vouchers/workspace.html", context)


class ReviewView(PredicateRequiredMixin, View):
    """Bulk approval from the officer's queue: each claim whole or refused with its reason."""

    predicate = perms.can_manage_vouchers

    def post(self, request):
        ids = [pk for pk in map(id_param, request.POST.getlist("ids")) if pk is not None][:500]
        claims = Claim.objects.filter(pk__in=ids, state=ClaimState.SUBMITTED).select_related("scheme", "enterprise", "provider")
        approved, refused = services.approve_all(claims, request.user)
        if approved:
            messages.success(request, _("%(count)s claims approved.") % {"count": len(approved)})
        for claim, reason in refused:
            messages.error(request, _("Claim %(id)s: %(reason)s") % {"id": claim.pk, "reason": reason})
        return redirect("vouchers:workspace")


class ClaimListView(ObjectListView):
    model = Claim
    filterset_class = ClaimFilterSet
    columns = CLAIM_COLUMNS
    title = gettext_lazy("Voucher claims")
    export_name = "创新券申领"

    def base_queryset(self):
        return Claim.objects.visible_to(self.request.user).select_related("scheme", "enterprise", "provider")


class ClaimDetailView(PredicateRequiredMixin, View):
    def get(self, request, pk, redemption_form=None):
        claim = get_object_or_404(Claim.objects.visible_to(request.user).select_related("scheme", "enterprise", "provider"), pk=pk)
        steps = CLAIM.available(request.user, claim)
        context = {
            "object": claim,
            "steps": [t for t in steps if t.name != "redeem"],
            "may_redeem": any(t.name == "redeem" for t in steps),
            "redemption_form": redemption_form or RedemptionForm(initial={"fee_paid": claim.fee}),
            "reserved": services.reserved_now(claim),
            "may_rate": perms.can_rate(request.user, claim) and claim.state in (ClaimState.REDEEMED, ClaimState.PAID)
            and not hasattr(claim, "rating"),
            "entries": LedgerEntry.objects.filter(reference=claim.ledger_reference).select_related("account", "by")
            if perms.sees_voucher_statistics(request.user) else [],
        }
        return render(request, "vouchers/claim_detail.html", context)


class ClaimActionView(PredicateRequiredMixin, View):
    """Every workflow step on a claim page, by the declared transition's name."""

    def post(self, request, pk, action):
        claim = get_object_or_404(Claim.objects.visible_to(request.user).select_related("scheme", "enterprise", "provider"), pk=pk)
        if action != "rate" and action not in CLAIM.transitions:
            raise Http404  # an undeclared step is refused before anything else
        try:
            if action == "approve":
                services.approve(claim, request.user)
            elif action == "reject":
                services.reject(claim, request.user, request.POST.get("comment", ""))
            elif action == "withdraw":
                services.withdraw(claim, request.user)
            elif action == "pay":
                services.pay(claim, request.user)
            elif action == "redeem":
                form = RedemptionForm(request.POST)
                if not form.is_valid():
                    return ClaimDetailView().get(request, pk, redemption_form=form)
                services.redeem(claim, request.user, form.cleaned_data["invoice_no"], form.cleaned_data["fee_paid"])
            elif action == "rate":
                services.rate(claim, request.user, int_param(request.POST.get("score"), 0, 100, default=0), request.POST.get("comment", ""))
            else:
                raise PermissionDenied
        except ValidationError as error:
            _refusal(request, error)
        except ValueError:
            messages.error(request, _("A rating lies between 1 and 5."))
        else:
            messages.success(request, _("Done: %(state)s.") % {"state": claim.get_state_display()})
        return redirect(claim.get_absolute_url())


class ClaimFormView(PredicateRequiredMixin, View):
    """A firm files a claim; an officer files one for a firm at the service window (窗口代办)."""

    def _form(self, data=None):
        user = self.request.user
        enterprises = Enterprise.objects.all() if perms.can_manage_vouchers(user) else user.enterprises.all()
        return ClaimForm(data, enterprises=enterprises, on=clock.today())

    def get(self, request):
        if not (perms.can_manage_vouchers(request.user) or perms.uses_enterprise_workspace(request.user)):
            raise PermissionDenied
        initial = {key: request.GET[key] for key in ("scheme", "provider", "category", "service") if key in request.GET}
        form = self._form()
        form.initial.update(initial)
        return render(request, "vouchers/claim_form.html", {"form": form})

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = services.file_claim(
                    data["scheme"], data["enterprise"], data["provider"], data["category"], data["fee"], request.user,
                    service=data.get("service"), intention=data.get("intention") or "",
                )
            except ValidationError as error:
                for field, problems in getattr(error, "error_dict", {"__all__": error.error_list}).items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, _("Claim filed; its subsidy would be %(subsidy)s 10k yuan.") % {"subsidy": claim.subsidy})
                return redirect(claim.get_absolute_url())
        return render(request, "vouchers/claim_form.html", {"form": form})


class CatalogueView(PredicateRequiredMixin, View):
    """The public catalogue of services and large instruments of verified providers."""

    predicate = anyone

    def get(self, request):
        services_qs = Service.objects.listed().select_related("provider")
        filterset = ServiceFilterSet(request.GET or None, queryset=services_qs)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else services_qs
        if request.GET.get("export") == "xlsx":
            title = str(_("Service catalogue"))
            return xlsx_response(dated_filename(title), SERVICE_COLUMNS,
                                 ([c.value(s) for c in SERVICE_COLUMNS] for s in rows.iterator()), title, caption=title)
        page = rows[:200]
        return render(request, "vouchers/catalogue.html", {
            "filterset": filterset, "services": page, "count": rows.count(), "shown": len(page),
        })


class ServiceDetailView(View):
    def get(self, request, pk, booking_form=None):
        service = get_object_or_404(Service.objects.select_related("provider"), pk=pk)
        if service.provider.status != ProviderStatus.VERIFIED and not perms.can_keep_catalogue(request.user, service.provider):
            raise PermissionDenied
        today = clock.today()
        context = {
            "object": service,
            "bookings": service.bookings.filter(ends_at__gte=timezone.now()).select_related("enterprise")[:100]
            if service.is_instrument else [],
            "may_book": service.is_instrument and perms.can_book(request.user),
            "booking_form": booking_form or BookingForm(enterprises=self._enterprises(request)),
            "may_edit": perms.can_keep_catalogue(request.user, service.provider),
            "average": service.claims.aggregate(score=Sum("rating__score"), n=Count("rating")),
            "today": today,
        }
        return render(request, "vouchers/service_detail.html", context)

    @staticmethod
    def _enterprises(request):
        user = request.user
        if not user.is_authenticated:
            return Enterprise.objects.none()
        return Enterprise.objects.all() if perms.can_manage_vouchers(user) else user.enterprises.all()

    def post(self, request, pk):
        if not request.user.is_authenticated:
            raise PermissionDenied
        service = get_object_or_404(Service, pk=pk)
        form = BookingForm(request.POST, enterprises=self._enterprises(request))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.book(service, data["enterprise"], data["starts_at"], data["ends_at"], request.user)
            except ValidationError as error:
                _refusal(request, error)
            else:
                messages.success(request, _("Booked."))
                return redirect(service.get_absolute_url())
        return self.get(request, pk, booking_form=form)


class ServiceFormView(PredicateRequiredMixin, View):
    """A provider adds or edits a service or an instrument in its catalogue."""

    def _objects(self, request, pk):
        if pk:
            service = get_object_or_404(Service.objects.select_related("provider"), pk=pk)
            provider = service.provider
        else:
            provider = perms.provider_of(request.user)
            if provider is None:
                raise PermissionDenied
            service = Service(provider=provider)
        if not perms.can_keep_catalogue(request.user, provider):
            raise PermissionDenied
        return service

    def get(self, request, pk=None):
        service = self._objects(request, pk)
        return render(request, "vouchers/service_form.html", {"form": ServiceForm(instance=service), "object": service})

    def post(self, request, pk=None):
        service = self._objects(request, pk)
        form = ServiceForm(request.POST, instance=service)
        if form.is_valid():
            try:
                services.save_service(form.instance, request.user)
            except ValidationError as error:
                for field, problems in getattr(error, "error_dict", {"__all__": error.error_list}).items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                return redirect(form.instance.get_absolute_url())
        return render(request, "vouchers/service_form.html", {"form": form, "object": service})


class ProviderApplicationView(PredicateRequiredMixin, View):
    predicate = perms.can_apply_as_provider

    def get(self, request):
        return render(request, "vouchers/provider_apply.html", {"form": ProviderApplicationForm()})

    def post(self, request):
        form = ProviderApplicationForm(request.POST)
        if form.is_valid():
            try:
                services.apply_as_provider(form.instance, request.user)
            except ValidationError as error:
                for field, problems in getattr(error, "error_dict", {"__all__": error.error_list}).items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, _("Application sent; the bureau will verify it."))
                return redirect("vouchers:workspace")
        return render(request, "vouchers/provider_apply.html", {"form": form})


class ProviderListView(ObjectListView):
    model = Provider
    filterset_class = ProviderFilterSet
    columns = PROVIDER_COLUMNS
    title = gettext_lazy("Service providers")
    export_name = "服务机构"

    predicate = perms.sees_voucher_statistics


class ProviderDetailView(PredicateRequiredMixin, View):
    def get(self, request, pk):
        provider = get_object_or_404(Provider.objects.visible_to(request.user), pk=pk)
        ratings = provider.claims.aggregate(total=Sum("rating__score"), n=Count("rating"))
        return render(request, "vouchers/provider_detail.html", {
            "object": provider,
            "steps": PROVIDER.available(request.user, provider),
            "services": provider.services.all(),
            "rating": (ratings["total"] / ratings["n"]) if ratings["n"] else None,
            "ratings_count": ratings["n"],
            "claims": provider.claims.select_related("scheme", "enterprise")[:50]
            if perms.sees_voucher_statistics(request.user) or perms.acts_for_provider(request.user, provider) else [],
        })

    def post(self, request, pk):
        provider = get_object_or_404(Provider, pk=pk)
        try:
            services.set_provider_status(provider, request.POST.get("step", ""), request.user, request.POST.get("comment", ""))
        except ValidationError as error:
            _refusal(request, error)
        return redirect(provider.get_absolute_url())


class SchemeDetailView(PredicateRequiredMixin, View):
    def get(self, request, code):
        scheme = get_object_or_404(Scheme.objects.select_related("account"), code=code)
        staff = perms.sees_voucher_statistics(request.user)
        return render(request, "vouchers/scheme_detail.html", {
            "object": scheme,
            "account": scheme.account,
            "entries": scheme.account.entries.select_related("by").order_by("-id")[:200] if staff else [],
            "staff": staff,
        })


MONEY_FIGURES = ("fee", "subsidy", "paid")


def statistics(claims):
    """Claims, fees and subsidies by scheme, category, provider and month (paid counts what was paid)."""
    figures = {"claims": Count("pk"), "fee": Sum("fee"), "subsidy": Sum("subsidy"),
               "paid": Sum("paid_subsidy", filter=Q(state=ClaimState.PAID))}
    grouped = {
        "by_scheme": claims.values("scheme__name").annotate(**figures).order_by("scheme__name"),
        "by_category": claims.values("category").annotate(**figures).order_by("-subsidy"),
        "by_provider": claims.values("provider__name").annotate(**figures).order_by("-subsidy")[:30],
        "by_month": claims.annotate(month=TruncMonth("filed_on")).values("month").annotate(**figures).order_by("month"),
    }
    return {"total": _in_cents(claims.aggregate(**figures)), **{key: [_in_cents(row) for row in rows] for key, rows in grouped.items()}}


def _in_cents(row: dict) -> dict:
    """Sums of money to the cent (SQLite adds decimals as floating point)."""
    return {key: to_money(value) if key in MONEY_FIGURES and value is not None else value for key, value in row.items()}


STAT_HEADERS = ["分组", "申领数", "服务费（万元）", "补贴（万元）", "已兑付（万元）"]


class StatisticsView(PredicateRequiredMixin, View):
    predicate = perms.sees_voucher_statistics

    def get(self, request):
        claims = Claim.objects.exclude(state__in=[ClaimState.REJECTED, ClaimState.WITHDRAWN])
        year = year_param(request.GET.get("year"))
        if year is not None and year >= 2000:
            claims = claims.filter(filed_on__year=year)
        else:
            year = ""
        figures = statistics(claims)
        if request.GET.get("export") == "xlsx":
            rows = []
            for title, key, label in (("券种", "by_scheme", "scheme__name"), ("服务类别", "by_category", "category"),
                                      ("服务机构", "by_provider", "provider__name"), ("月份", "by_month", "month")):
                for row in figures[key]:
                    group = row[label].strftime("%Y-%m") if isinstance(row[label], dt.date) else row[label]
                    rows.append([f"{title}：{group}", row["claims"], row["fee"], row["subsidy"], row["paid"] or 0])
            title = str(_("Voucher statistics"))
            filters = [f"年度：{year}"] if year else []
            return xlsx_response(dated_filename(title), STAT_HEADERS, rows, title, caption=title, filters=filters)
        chart = {
            "months": [row["month"].strftime("%Y-%m") for row in figures["by_month"]],
            "subsidy": [float(row["subsidy"] or 0) for row in figures["by_month"]],
            "paid": [float(row["paid"] or 0) for row in figures["by_month"]],
            "categories": [row["category"] for row in figures["by_category"]],
            "category_subsidy": [float(row["subsidy"] or 0) for row in figures["by_category"]],
        }
        return render(request, "vouchers/statistics.html", {**figures, "chart": chart, "year": year})
