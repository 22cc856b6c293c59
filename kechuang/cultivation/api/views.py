from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.decorators import action
from rest_framework.response import Response

from kechuang.cultivation import services
from kechuang.cultivation.api.serializers import EnrollmentSerializer
from kechuang.cultivation.filtersets import EnrollmentFilterSet
from kechuang.cultivation.models import Enrollment
from kechuang.cultivation.permissions import can_view_pipeline


class EnrollmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The pipeline records the user may see; moves go through the pages (they need an officer)."""

    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilterSet

    def get_queryset(self):
        return (
            Enrollment.objects.visible_to(self.request.user)
            .select_related("enterprise", "certificate")
            .prefetch_related("actions")
            .order_by("pk")
        )

    @extend_schema(responses={200: dict})
    @action(detail=False)
    def funnel(self, request):
        """Per tier: the funnel by cohort year and the observed conversion rates (officers and leaders)."""
        if not can_view_pipeline(request.user):
            raise PermissionDenied
        queryset = self.filter_queryset(self.get_queryset())
        tiers = sorted(set(queryset.values_list("tier", flat=True)))
        return Response(
            {
                tier: {"years": queryset.for_tier(tier).funnel(), "observed": services.conversion_rates(tier)}
                for tier in tiers
            }
        )
