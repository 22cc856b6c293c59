"""The talent API (/api/talent/…): the same records, masks and rules as the pages. Revealing a number
is a POST with a reason, answered with no-store; every other answer carries masked forms only."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.core import clock
from kechuang.core.permissions import api_permission
from kechuang.talent import permissions as perms
from kechuang.talent import services, talentmap
from kechuang.talent.api.serializers import (
    ConsentSerializer, EmployerDemandSerializer, DirectoryEditionSerializer, DirectoryGapSerializer, ProgrammeSerializer, RemovalSerializer,
    RevealedSerializer, RevealSerializer, TalentSerializer,
)
from kechuang.talent.choices import EditionState
from kechuang.talent.filtersets import TalentFilterSet
from kechuang.talent.models import Consent, Edition, EmployerDemand, Programme, Talent


def _refused(error: ValidationError) -> Response:
    return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)


class TalentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TalentSerializer
    filterset_class = TalentFilterSet
    permission_classes = [api_permission(perms.sees_talent)]

    def get_queryset(self):
        return Talent.objects.visible_to(self.request.user).select_related("field", "employer", "level__programme")

    def _act(self, serializer_class, perform):
        """Validate the body, run the service with it; a refusal is 403 (who) or 400 (what)."""
        asked = serializer_class(data=self.request.data)
        asked.is_valid(raise_exception=True)
        try:
            return perform(self.get_object(), asked.validated_data)
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        except ValidationError as error:
            return _refused(error)

    @extend_schema(request=RevealSerializer, responses={200: RevealedSerializer})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        def perform(talent, data):
            value = services.reveal(talent, data["field"], data["reason"], request.user)
            return Response({"field": data["field"], "value": value}, headers={"Cache-Control": "no-store"})

        return self._act(RevealSerializer, perform)

    @extend_schema(request=RemovalSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        def perform(talent, data):
            services.remove_on_request(talent, data["reason"], request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)

        return self._act(RemovalSerializer, perform)


class ConsentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ConsentSerializer
    permission_classes = [api_permission(perms.sees_talent)]

    def get_queryset(self):
        return Consent.objects.visible_to(self.request.user)


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgrammeSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Programme.objects.visible_to(self.request.user).prefetch_related("levels")


class EditionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DirectoryEditionSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    def get_queryset(self):
        return Edition.objects.visible_to(self.request.user)

    @extend_schema(responses={200: DirectoryGapSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def gaps(self, request, year=None):
        return Response(DirectoryGapSerializer(services.gaps(self.get_object()), many=True).data)


class DemandViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EmployerDemandSerializer

    def get_queryset(self):
        return EmployerDemand.objects.visible_to(self.request.user).select_related("edition", "enterprise")

    def create(self, request, *args, **kwargs):
        asked = EmployerDemandSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        enterprise = perms.enterprise_of(request.user)
        if enterprise is None:
            raise PermissionDenied
        values = dict(asked.validated_data)
        edition = values.pop("edition")
        try:
            demand = services.submit_demand(edition, enterprise, request.user, **values)
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        except ValidationError as error:
            return _refused(error)
        return Response(EmployerDemandSerializer(demand).data, status=status.HTTP_201_CREATED)


class TalentMapView(APIView):
    """The talent map's figures as tables (headers and rows), as the page's .xlsx has them."""

    permission_classes = [api_permission(perms.sees_talent_map)]

    @extend_schema(responses={200: dict})
    def get(self, request):
        edition = Edition.objects.filter(state=EditionState.PUBLISHED).order_by("-year").first()
        found = talentmap.figures(Talent.objects.in_district(), edition, clock.today())
        return Response({figure.key: {"title": figure.title, "headers": figure.headers, "rows": figure.rows} for figure in found})
