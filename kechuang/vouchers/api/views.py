"""The voucher API (public contract): file claims, take the workflow's steps, read scheme balances.
Each step is the service the pages call; a refusal is 400 (bad input) or 409 (the money cannot cover it)."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kechuang.vouchers import services
from kechuang.vouchers.api.serializers import (
    ClaimFilingSerializer,
    ClaimSerializer,
    ProviderSerializer,
    ReasonSerializer,
    RedemptionSerializer,
    SchemeSerializer,
    ServiceSerializer,
)
from kechuang.vouchers.filtersets import ClaimFilterSet, ServiceFilterSet
from kechuang.vouchers.models import Claim, Provider, Scheme, Service


def _messages(error: ValidationError):
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in errors[0].messages] if errors else [] for field, errors in error.error_dict.items()}
    return {"detail": " ".join(error.messages)}


def _step(claim, serializer_class, request, perform):
    payload = None
    if serializer_class is not None:
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
    try:
        perform(payload.validated_data if payload else {})
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from None
    except ValidationError as error:
        code = status.HTTP_409_CONFLICT if getattr(error, "code", None) == "cannot_cover" else status.HTTP_400_BAD_REQUEST
        body = _messages(error)
        if code == status.HTTP_409_CONFLICT:
            body = {"detail": " ".join(error.messages), "figures": {k: float(v) for k, v in error.figures.items()}}
        return Response(body, status=code)
    claim.refresh_from_db()
    return Response(ClaimSerializer(claim).data)


class ClaimViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilterSet

    def get_queryset(self):
        return Claim.objects.visible_to(self.request.user).select_related("scheme", "enterprise", "provider")

    @extend_schema(request=ClaimFilingSerializer, responses={201: ClaimSerializer})
    def create(self, request, *args, **kwargs):
        filing = ClaimFilingSerializer(data=request.data)
        filing.is_valid(raise_exception=True)
        data = filing.validated_data
        try:
            claim = services.file_claim(
                data["scheme"], data["enterprise"], data["provider"], data["category"], data["fee"], request.user,
                service=data.get("service"), intention=data.get("intention", ""),
            )
        except ValidationError as error:
            return Response(_messages(error), status=status.HTTP_400_BAD_REQUEST)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        claim = self.get_object()
        return _step(claim, None, request, lambda data: services.approve(claim, request.user))

    @extend_schema(request=ReasonSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        claim = self.get_object()
        return _step(claim, ReasonSerializer, request, lambda data: services.reject(claim, request.user, data["reason"]))

    @extend_schema(request=None, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        claim = self.get_object()
        return _step(claim, None, request, lambda data: services.withdraw(claim, request.user))

    @extend_schema(request=RedemptionSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def redeem(self, request, pk=None):
        claim = self.get_object()
        return _step(claim, RedemptionSerializer, request,
                     lambda data: services.redeem(claim, request.user, data["invoice_no"], data["fee_paid"]))

    @extend_schema(request=None, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        claim = self.get_object()
        return _step(claim, None, request, lambda data: services.pay(claim, request.user))


class SchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """Schemes are public programme facts; their balances are the ledger's."""

    serializer_class = SchemeSerializer
    lookup_field = "code"
    queryset = Scheme.objects.select_related("account")


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """The public catalogue of services and instruments (verified providers only)."""

    serializer_class = ServiceSerializer
    filterset_class = ServiceFilterSet

    def get_queryset(self):
        return Service.objects.listed().select_related("provider")


class ProviderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProviderSerializer

    def get_queryset(self):
        return Provider.objects.visible_to(self.request.user)
