"""The projects API: calls, applications (anonymised for the experts of an anonymised call), review
assignments with scoring, projects with their payments, collection rounds with their completeness. Each
write is the service the pages call; a refusal is 400 with the message."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kechuang.core.permissions import sees_everything
from kechuang.projects import services
from kechuang.projects.api.serializers import (
    ApplicationSerializer, AssignmentSerializer, CallSerializer, DecisionSerializer, FormalReviewSerializer, PaymentSerializer, ProjectSerializer, RoundSerializer,
    ScoreSerializer,
)
from kechuang.projects.models import Application, Assignment, Call, CollectionRound, Project


def _payload(serializer_class, request) -> dict:
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


def _perform(perform, respond):
    try:
        perform()
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from None
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            return Response({f: [str(m) for e in errors for m in e.messages] for f, errors in error.error_dict.items()},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)
    return respond()


class CallViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CallSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Call.objects.visible_to(self.request.user).select_related("account")


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ApplicationSerializer

    def get_queryset(self):
        return Application.objects.visible_to(self.request.user).select_related(
            "call", "enterprise", "institution__enterprise").prefetch_related("co_applicants", "budget_lines").order_by("pk")

    @extend_schema(request=None, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = self.get_object()
        return _perform(lambda: services.submit(application, request.user),
                        lambda: Response(self.get_serializer(application).data))


    @extend_schema(request=FormalReviewSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"], url_path="formal-review")
    def formal_review(self, request, pk=None):
        application = self.get_object()
        data = _payload(FormalReviewSerializer, request)
        return _perform(lambda: services.formal_review(application, request.user, data["outcome"], data["reason"]),
                        lambda: Response(self.get_serializer(application).data))

    @extend_schema(request=DecisionSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        application = self.get_object()
        data = _payload(DecisionSerializer, request)
        return _perform(lambda: services.decide(application, request.user, data["approve"], data.get("amount"), data["reason"]),
                        lambda: Response(self.get_serializer(application).data))


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        return Assignment.objects.visible_to(self.request.user).select_related(
            "application__call", "application__enterprise", "application__institution").order_by("pk")

    @extend_schema(request=ScoreSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        assignment = self.get_object()
        data = _payload(ScoreSerializer, request)
        return _perform(lambda: services.score(assignment, request.user, data["scores"], data["comment"]),
                        lambda: Response(self.get_serializer(assignment).data))


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer
    lookup_field = "number"

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user).select_related(
            "call", "account", "enterprise", "institution").prefetch_related("milestones", "outcomes").order_by("number")

    @extend_schema(request=PaymentSerializer, responses={200: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, number=None):
        project = self.get_object()
        data = _payload(PaymentSerializer, request)
        milestone = project.milestones.filter(order=data["milestone"]).first()
        if milestone is None:
            return Response({"milestone": ["no such milestone"]}, status=status.HTTP_400_BAD_REQUEST)
        return _perform(lambda: services.pay_milestone(milestone, request.user, data.get("amount")),
                        lambda: Response(self.get_serializer(project).data))


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RoundSerializer
    lookup_field = "code"

    def get_queryset(self):
        return CollectionRound.objects.visible_to(self.request.user).order_by("code")

    @action(detail=True, methods=["get"])
    def completeness(self, request, code=None):
        round_ = self.get_object()
        if not sees_everything(request.user):
            raise PermissionDenied
        return Response(services.completeness(round_))
