"""The finance API: the pool (and moving a stage), financing demands (posting one), innovation points
(and one firm's explanation). Each write is the service the pages call; a refusal is 400 with the message."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kechuang.core.permissions import api_permission
from kechuang.finance import listing, permissions as perms, services
from kechuang.finance.api.serializers import (FinancingDemandPostSerializer, FinancingDemandSerializer, ListingEntrySerializer, InnovationPointsSerializer,
                                              ListingStageMoveSerializer)
from kechuang.finance.filtersets import DemandFilterSet, EntryFilterSet, PointsFilterSet
from kechuang.finance.models import FinancingDemand, ListingEntry, PointsRun, PointsScore


def _refusal(error: ValidationError) -> Response:
    if hasattr(error, "error_dict"):
        body = {field: [str(m) for m in errors[0].messages] if errors else [] for field, errors in error.error_dict.items()}
    else:
        body = {"detail": " ".join(error.messages)}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _perform(write):
    try:
        return write(), None
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from None
    except ValidationError as error:
        return None, _refusal(error)


class EntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ListingEntrySerializer
    filterset_class = EntryFilterSet
    permission_classes = [api_permission(perms.uses_finance)]

    def get_queryset(self):
        return ListingEntry.objects.visible_to(self.request.user).select_related("enterprise").prefetch_related(
            "stage_records", "follow_ups")

    @action(detail=True, methods=["get"])
    def standards(self, request, pk=None):
        """The entry against its board's listing standards: criteria with their sentences, and the gaps."""
        return Response(listing.evaluate_entry(self.get_object()))

    @extend_schema(request=ListingStageMoveSerializer, responses={200: ListingEntrySerializer})
    @action(detail=True, methods=["post"])
    def stage(self, request, pk=None):
        entry = self.get_object()
        payload = ListingStageMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        _, refused = _perform(lambda: services.move_stage(entry, data["stage"], request.user, date=data.get("date"),
                                                          reason=data["reason"]))
        if refused:
            return refused
        entry.refresh_from_db()
        return Response(ListingEntrySerializer(entry).data)


class DemandViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FinancingDemandSerializer
    filterset_class = DemandFilterSet
    permission_classes = [api_permission(perms.uses_finance)]

    def get_queryset(self):
        return FinancingDemand.objects.visible_to(self.request.user).select_related("enterprise", "product", "fund")

    @extend_schema(request=FinancingDemandPostSerializer, responses={201: FinancingDemandSerializer})
    def create(self, request, *args, **kwargs):
        from kechuang.registry.models import Enterprise

        payload = FinancingDemandPostSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        code = data.pop("enterprise", None)
        enterprise = (get_object_or_404(Enterprise, uscc=code.strip().upper()) if code and perms.can_manage_finance(request.user)
                      else perms.enterprise_of(request.user))
        if enterprise is None or not perms.can_post_demand(request.user, enterprise):
            raise PermissionDenied()
        demand, refused = _perform(lambda: services.post_demand(enterprise, data.pop("amount"), data.pop("form"),
                                                                data.pop("purpose"), request.user, **data))
        return refused or Response(FinancingDemandSerializer(demand).data, status=status.HTTP_201_CREATED)


class PointsViewSet(viewsets.ReadOnlyModelViewSet):
    """The innovation points of the latest year (or ?year=), by rank; `explain` gives one firm's lines."""

    serializer_class = InnovationPointsSerializer
    filterset_class = PointsFilterSet
    permission_classes = [api_permission(perms.uses_finance)]

    def get_queryset(self):
        queryset = PointsScore.objects.visible_to(self.request.user).select_related("enterprise").order_by("rank", "enterprise__name")
        if getattr(self, "swagger_fake_view", False):
            return queryset
        if "year" not in self.request.query_params:
            queryset = queryset.filter(year=PointsRun.objects.values_list("year", flat=True).first())
        return queryset

    @action(detail=True, methods=["get"])
    def explain(self, request, pk=None):
        score = self.get_object()
        return Response(services.points_explanation(score.enterprise, score.year))
