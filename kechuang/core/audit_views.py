"""The audit log page: the auditor's alone (三员分立)."""
import django_filters
from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.permissions import can_read_audit
from kechuang.core.audit import object_type_of
from kechuang.core.audit_words import describe
from kechuang.core.choices import AuditAction
from kechuang.core.models import AuditEntry
from kechuang.core.tables import Column
from kechuang.core.views import ObjectListView


class AuditEntryFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(label=_("Who"), lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    object = django_filters.CharFilter(label=_("Object"), method="filter_object")
    address = django_filters.CharFilter(label=_("From address"), lookup_expr="startswith")
    date_from = django_filters.DateFilter(label=_("From date"), field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To date"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["actor", "action", "object", "address", "date_from", "date_to"]

    def filter_object(self, queryset, name, value):
        """Matches the object's text, its type by name (企业) or code (registry.enterprise), or its id."""
        value = value.strip()
        types = [object_type_of(model) for model in apps.get_models() if value and value in str(model._meta.verbose_name)]
        return queryset.filter(Q(object_repr__icontains=value) | Q(object_type=value) | Q(object_type__in=types) | Q(object_id=value))


AUDIT_COLUMNS = [
    Column("#", "sequence", numeric=True),
    Column(_("Time"), lambda entry: timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")),
    Column(_("Who"), "who_text"),
    Column(_("Login name"), "actor"),
    Column(_("From address"), "address"),
    Column(_("Action"), "action"),
    Column(_("Object type"), "type_text"),
    Column(_("Object id"), "object_id"),
    Column(_("Object"), "object_repr"),
    Column(_("Changes"), "changes_text"),
]


class AuditLogView(ObjectListView):
    model = AuditEntry
    filterset_class = AuditEntryFilterSet
    columns = AUDIT_COLUMNS
    title = _("Audit log")
    export_name = "audit-log"
    template_name = "core/audit_log.html"
    predicate = can_read_audit

    def base_queryset(self):
        return AuditEntry.objects.order_by("-sequence")

    def prepare_rows(self, rows):
        describe(rows)
        return rows
