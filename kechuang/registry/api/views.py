from rest_framework import mixins, pagination, viewsets
from rest_framework.exceptions import PermissionDenied

from kechuang.core.permissions import api_permission
from kechuang.registry import services
from kechuang.registry.api.serializers import (
    CertificateSerializer,
    EnterpriseSerializer,
    IntellectualPropertySerializer,
    YearlyDataSerializer,
)
from kechuang.registry.filtersets import (
    CertificateFilterSet,
    EnterpriseFilterSet,
    IntellectualPropertyFilterSet,
    YearlyDataFilterSet,
)
from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty, YearlyData
from kechuang.registry.permissions import can_browse_registry, can_edit_contacts, can_edit_yearly


class RegistryPagination(pagination.PageNumberPagination):
    """The project's page size, which a client may change with ?page_size= (up to 500)."""

    page_size_query_param = "page_size"
    max_page_size = 500


class RegistryViewSet(viewsets.GenericViewSet):
    # The same rule as the pages: officers, leaders and enterprise users (their own rows only).
    permission_classes = [api_permission(can_browse_registry)]
    pagination_class = RegistryPagination
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class EnterpriseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, RegistryViewSet):
    """Enterprises by 统一社会信用代码; PATCH changes the contacts."""

    model = Enterprise
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    lookup_field = "uscc"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("region")

    def perform_update(self, serializer):
        if not can_edit_contacts(self.request.user, serializer.instance):
            raise PermissionDenied
        services.update_contacts(serializer.instance, serializer.validated_data)


class YearlyDataViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, RegistryViewSet):
    """One row per enterprise and year; PATCH corrects the figures (same checks as the import)."""

    model = YearlyData
    serializer_class = YearlyDataSerializer
    filterset_class = YearlyDataFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise").order_by("enterprise__name", "year")

    def perform_update(self, serializer):
        row = serializer.instance
        if not can_edit_yearly(self.request.user, row.enterprise):
            raise PermissionDenied
        serializer.instance = services.save_yearly(self.request.user, row.enterprise, row.year, serializer.validated_data)


class IntellectualPropertyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    model = IntellectualProperty
    serializer_class = IntellectualPropertySerializer
    filterset_class = IntellectualPropertyFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("kind").prefetch_related("owners")


class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    model = Certificate
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise")
