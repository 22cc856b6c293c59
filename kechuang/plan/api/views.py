from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from kechuang.plan import services, supervision
from kechuang.plan.api.serializers import (
    PlanDetailSerializer,
    PlanSerializer,
    ProgressReportSerializer,
    ReadingSerializer,
    ReviewSerializer,
    SubmitReportSerializer,
    TaskStatusSerializer,
)
from kechuang.plan.evaluation import read_plan
from kechuang.plan.filtersets import ProgressReportFilterSet
from kechuang.plan.models import Plan, ProgressReport, Task
from kechuang.plan.permissions import can_view_indicators
from kechuang.plan.supervision import plan_date

AS_OF = OpenApiParameter("as_of", str, description="YYYY-MM-DD (default: the data date, or the plan's last day once its period has ended)")


def _service(call, *args, **kwargs):
    """Run a service, turning its Django errors into API errors (403 / 400)."""
    try:
        return call(*args, **kwargs)
    except PermissionDenied as error:
        raise ApiPermissionDenied(str(error)) from None
    except ValidationError as error:
        raise ApiValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from None


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"

    def get_queryset(self):
        return Plan.objects.visible_to(self.request.user).select_related("parent")

    def get_serializer_class(self):
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer

    @extend_schema(parameters=[AS_OF], responses=ReadingSerializer(many=True))
    @action(detail=True)
    def indicators(self, request, code=None):
        if not can_view_indicators(request.user):
            raise ApiPermissionDenied()
        plan = self.get_object()
        readings = read_plan(plan, plan_date(request, [plan]).date, with_forecast=False)
        return Response(ReadingSerializer([r.as_dict() for r in readings], many=True).data)

    @extend_schema(parameters=[AS_OF], responses=TaskStatusSerializer(many=True))
    @action(detail=True)
    def tasks(self, request, code=None):
        plan = self.get_object()
        statuses = supervision.statuses(Task.objects.visible_to(request.user).filter(plan=plan), plan_date(request, [plan]).date)
        return Response(TaskStatusSerializer(statuses, many=True).data)


class ProgressReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = ProgressReportFilterSet

    def get_queryset(self):
        return ProgressReport.objects.visible_to(self.request.user).select_related(
            "task", "task__plan", "submitted_by", "reviewed_by"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return SubmitReportSerializer
        if self.action in ("accept", "return_"):
            return ReviewSerializer
        return ProgressReportSerializer

    def create(self, request, *args, **kwargs):
        data = SubmitReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        task = get_object_or_404(Task.objects.visible_to(request.user), plan__code=values["plan"], code=values["task"])
        report = _service(services.submit_report, request.user, task, values["period"], values["text"], values["percent"])
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def _move(self, request, name):
        review = ReviewSerializer(data=request.data)
        review.is_valid(raise_exception=True)
        report = _service(services.move, request.user, self.get_object(), name, comment=review.validated_data["comment"])
        return Response(ProgressReportSerializer(report).data)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._move(request, "accept")

    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._move(request, "return")
