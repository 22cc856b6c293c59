import datetime as dt
from functools import cached_property
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from kechuang.core import clock
from kechuang.core.datadate import page_date
from kechuang.core.permissions import can_read_audit
from kechuang.core.exports import dated_filename, xlsx_response
from kechuang.core.views import ObjectListView, PredicateRequiredMixin
from kechuang.registry import services
from kechuang.registry.profile import sections_for
from kechuang.registry.filtersets import CertificateFilterSet, EnterpriseFilterSet, IntellectualPropertyFilterSet
from kechuang.registry.forms import ContactsForm, YearlyDataForm
from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty
from kechuang.registry.permissions import (
    can_browse_registry,
    can_edit_contacts,
    can_edit_yearly,
    can_view_alerts,
    profiles_visible_to,
)
from kechuang.registry.tables import (
    CERTIFICATE_COLUMNS,
    ENTERPRISE_COLUMNS,
    IP_COLUMNS,
    YEARLY_COLUMNS,
    expiry_state,
)

HISTORY_LIMIT = 100
ALERTS_PER_PAGE = 50


def profile_url(enterprise: Enterprise) -> str:
    return reverse("registry:enterprise", args=[enterprise.uscc])


class RegistryListView(ObjectListView):
    """A registry list: rows link to the enterprise profile they belong to."""

    predicate = can_browse_registry


class EnterpriseListView(RegistryListView):
    model = Enterprise
    filterset_class = EnterpriseFilterSet
    columns = ENTERPRISE_COLUMNS
    title = _("Enterprises")
    export_name = "enterprises"

    def base_queryset(self):
        return super().base_queryset().select_related("region", "industry", "high_tech_domain")

    def row_url(self, obj):
        return profile_url(obj)


class IntellectualPropertyListView(RegistryListView):
    model = IntellectualProperty
    filterset_class = IntellectualPropertyFilterSet
    columns = IP_COLUMNS
    title = _("Intellectual property")
    export_name = "intellectual-property"

    def base_queryset(self):
        return super().base_queryset().select_related("kind").prefetch_related("owners")

    def row_url(self, obj):
        owners = obj.owners.all()
        return profile_url(owners[0]) if owners else None


class CertificateListView(RegistryListView):
    model = Certificate
    filterset_class = CertificateFilterSet
    columns = CERTIFICATE_COLUMNS
    title = _("Certificates")
    export_name = "certificates"

    def base_queryset(self):
        return super().base_queryset().select_related("enterprise").order_by("expires", "enterprise__name")

    def row_url(self, obj):
        return profile_url(obj.enterprise)


class EnterpriseDetailView(PredicateRequiredMixin, DetailView):
    template_name = "registry/enterprise_detail.html"
    slug_field = "uscc"
    slug_url_kwarg = "uscc"
    context_object_name = "enterprise"

    def get_queryset(self):
        return profiles_visible_to(self.request.user).select_related("region", "industry", "high_tech_domain")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        firm, user = self.object, self.request.user
        yearly = list(firm.yearly.order_by("year"))
        today = clock.today()
        certificates = [(cert, expiry_state(cert.expires, today)) for cert in firm.certificates.order_by("kind", "-issued")]
        context.update(
            yearly_headers=[column.header for column in YEARLY_COLUMNS],
            yearly_rows=[(row, [column.display(column.value(row)) for column in YEARLY_COLUMNS]) for row in yearly],
            trend={
                "years": [row.year for row in yearly],
                "revenue": [float(row.revenue) if row.revenue is not None else None for row in yearly],
                "rd_expense": [float(row.rd_expense) if row.rd_expense is not None else None for row in yearly],
                "rd_ratio": [round(float(row.rd_ratio) * 100, 2) if row.rd_ratio is not None else None for row in yearly],
                "employees": [row.employees for row in yearly],
                "tech_staff": [row.tech_staff for row in yearly],
            },
            ip_list=firm.ip.select_related("kind").order_by("kind__ip_class", "-granted"),
            certificates=certificates,
            records=[
                (firm.awards.model._meta.verbose_name_plural, firm.awards.all()),
                (firm.rdinstitutions.model._meta.verbose_name_plural, firm.rdinstitutions.all()),
                (firm.standards.model._meta.verbose_name_plural, firm.standards.all()),
                (firm.investments.model._meta.verbose_name_plural, firm.investments.all()),
                (firm.projects.model._meta.verbose_name_plural, firm.projects.all()),
                (firm.competitionprizes.model._meta.verbose_name_plural, firm.competitionprizes.all()),
            ],
            sections=sections_for(firm, user),
            may_edit_contacts=can_edit_contacts(user, firm),
            may_edit_yearly=can_edit_yearly(user, firm),
        )
        # Only the auditor reads the audit log (issue 2 point 7, 三员分立), so only the auditor sees this
        # enterprise's history here; officers and the enterprise itself do not.
        if can_read_audit(user):
            context["history"] = services.enterprise_history(firm)[:HISTORY_LIMIT]
        return context


class MyEnterpriseView(PredicateRequiredMixin, View):
    """An enterprise user's own profile; with several linked enterprises, the list of them."""

    def get(self, request):
        own = list(Enterprise.objects.visible_to(request.user).filter(members=request.user)[:2])
        if len(own) == 1:
            return redirect("registry:enterprise", uscc=own[0].uscc)
        if not own:
            return render(request, "registry/my_enterprise_none.html", status=404)
        return redirect("registry:enterprises")


class EnterpriseEditMixin(PredicateRequiredMixin):
    """Loads the enterprise the URL names from what the user may see (else 404), then asks
    `may_change(user, enterprise)` whether the user may make this change (else 403)."""

    may_change = None
    template_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.admits(request.user):
            return self.handle_no_permission()
        self.enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), uscc=kwargs["uscc"])
        if not self.may_change(request.user, self.enterprise):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def page(self, request, form, title):
        return render(request, self.template_name, {"form": form, "enterprise": self.enterprise, "title": title})


class ContactsEditView(EnterpriseEditMixin, View):
    may_change = staticmethod(can_edit_contacts)
    template_name = "registry/enterprise_form.html"
    title = _("Edit contacts")

    def get(self, request, uscc):
        return self.page(request, ContactsForm(instance=self.enterprise), self.title)

    def post(self, request, uscc):
        form = ContactsForm(request.POST, instance=self.enterprise)
        if not form.is_valid():
            return self.page(request, form, self.title)
        services.update_contacts(self.enterprise, form.cleaned_data)
        messages.success(request, _("Contacts saved."))
        return redirect(profile_url(self.enterprise))


class YearlyEditView(EnterpriseEditMixin, View):
    """Add a year (no `year` in the URL) or correct an existing one."""

    may_change = staticmethod(can_edit_yearly)
    template_name = "registry/enterprise_form.html"

    def existing(self, year):
        if year is None:
            return None
        return get_object_or_404(self.enterprise.yearly, year=year)

    def title(self, year):
        return _("Yearly data %(year)s") % {"year": year} if year else _("Add yearly data")

    def get(self, request, uscc, year=None):
        initial = {"year": clock.today().year - 1} if year is None else None
        form = YearlyDataForm(instance=self.existing(year), initial=initial, year_fixed=year is not None)
        return self.page(request, form, self.title(year))

    def post(self, request, uscc, year=None):
        form = YearlyDataForm(request.POST, instance=self.existing(year), year_fixed=year is not None)
        if not form.is_valid():
            return self.page(request, form, self.title(year))
        values = form.cleaned_data
        services.save_yearly(request.user, self.enterprise, values["year"], values)
        messages.success(request, _("Yearly data for %(year)s saved.") % {"year": values["year"]})
        return redirect(profile_url(self.enterprise))


class AlertsView(PredicateRequiredMixin, TemplateView):
    predicate = can_view_alerts
    template_name = "registry/alerts.html"

    @cached_property
    def page_date(self):
        return page_date(self.request)

    def as_of(self) -> dt.date:
        return self.page_date.date

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            found = services.alerts(self.as_of())
            headers = [str(_("Alert")), str(_("USCC")), str(_("Enterprise")), str(_("Detail")), str(_("Date"))]
            rows = ([a.kind_label, a.uscc, a.enterprise_name, a.detail, a.date] for a in found)
            title, as_of = str(_("Alerts")), self.as_of()
            return xlsx_response(dated_filename(title, as_of), headers, rows, title, caption=title, as_of=as_of)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        """Every kind's section with one page of its alerts (`<kind>_page` pages through a kind)."""
        as_of = self.as_of()
        query = {"as_of": as_of.isoformat()}
        groups = []
        for kind, found in services.alert_lists(as_of).items():
            page = Paginator(found, ALERTS_PER_PAGE).get_page(self.request.GET.get(f"{kind}_page"))
            others = {key: value for key, value in self.request.GET.items() if key.endswith("_page") and key != f"{kind}_page"}
            groups.append({"kind": kind, "label": services.AlertKind(kind).label, "page": page,
                           "querystring": urlencode({**query, **others}), "page_param": f"{kind}_page"})
        total = sum(group["page"].paginator.count for group in groups)
        return super().get_context_data(as_of=as_of, page_date=self.page_date, groups=groups, total=total, **kwargs)
