"""The carriers API: carriers, tenants (with their graduation criteria explained, and graduation), the
yearly evaluation scores, and events (entries; a judge's scores). Each write is the service the pages
call; a refusal is 400 with its message, or 403."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kechuang.carriers import permissions as perms
from kechuang.carriers import services
from kechuang.carriers.api.serializers import (CarrierSerializer, EntrySerializer, EventSerializer, GraduationSerializer,
                                               JudgeScoreSerializer, EvaluationScoreSerializer, TenantFilingSerializer, TenantSerializer)
from kechuang.carriers.filtersets import CarrierFilterSet, EventFilterSet, TenantFilterSet
from kechuang.carriers.models import Carrier, CarrierScore, Event, Tenant
from kechuang.core.permissions import api_permission


def _perform(perform, respond, created=False):
    """Run a service call: its refusal as 400 (bad input) or 403, else `respond(result)` as the body."""
    try:
        result = perform()
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from None
    except ValidationError as error:
        return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)
    return Response(respond(result), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class CarrierViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CarrierSerializer
    filterset_class = CarrierFilterSet
    lookup_field = "code"
    permission_classes = [api_permission(perms.uses_carriers)]

    def get_queryset(self):
        return Carrier.objects.visible_to(self.request.user).select_related("operator")


class TenantViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TenantSerializer
    filterset_class = TenantFilterSet
    permission_classes = [api_permission(perms.uses_carriers)]

    def get_queryset(self):
        return Tenant.objects.visible_to(self.request.user).select_related("carrier", "enterprise")

    @extend_schema(request=TenantFilingSerializer, responses={201: TenantSerializer})
    def create(self, request, *args, **kwargs):
        filing = TenantFilingSerializer(data=request.data)
        filing.is_valid(raise_exception=True)
        data = filing.validated_data
        return _perform(lambda: services.add_tenant(data["carrier"], data["enterprise"], data["entered"], request.user,
                                                    exited=data.get("exited"), space=data.get("space")),
                        lambda tenant: TenantSerializer(tenant).data, created=True)

    @extend_schema(request=None)
    @action(detail=True, methods=["get"])
    def criteria(self, request, pk=None):
        """The tenant against the admission (on entry) and graduation (today) rule sets, explained."""
        tenant = self.get_object()
        return Response({"admission": services.evaluate_tenant(tenant, "admission"),
                         "graduation": services.evaluate_tenant(tenant, "graduation")})

    @extend_schema(request=GraduationSerializer, responses={200: TenantSerializer})
    @action(detail=True, methods=["post"])
    def graduate(self, request, pk=None):
        tenant = self.get_object()
        payload = GraduationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        return _perform(lambda: services.graduate(tenant, data["date"], request.user, destination=data["destination"],
                                                  destination_carrier=data.get("destination_carrier"), reason=data["reason"]),
                        lambda tenant: TenantSerializer(tenant).data)


class ScoreViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EvaluationScoreSerializer
    permission_classes = [api_permission(perms.uses_carriers)]

    def get_queryset(self):
        queryset = CarrierScore.objects.visible_to(self.request.user).select_related("carrier")
        year = self.request.query_params.get("year", "")
        return queryset.filter(year=int(year)) if year.isdigit() and len(year) == 4 else queryset


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    lookup_field = "code"

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).select_related("organiser").distinct()

    @action(detail=True, methods=["get"])
    def entries(self, request, code=None):
        event = self.get_object()
        return Response(EntrySerializer(event.entries.select_related("enterprise"), many=True).data)

    @extend_schema(request=JudgeScoreSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def scores(self, request, code=None):
        event = self.get_object()
        payload = JudgeScoreSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        round_ = get_object_or_404(event.rounds, pk=data["round"])
        entry = get_object_or_404(event.entries, pk=data["entry"])
        return _perform(lambda: services.submit_score(round_, entry, request.user, data["scores"]),
                        lambda score: {"entry": entry.pk, "round": round_.pk, "total": float(score.total)}, created=True)
