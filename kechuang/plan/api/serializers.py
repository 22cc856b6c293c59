from rest_framework import serializers

from kechuang.plan.models import Indicator, Plan, ProgressReport, YearTarget


class YearTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = YearTarget
        fields = ["year", "value", "is_demo"]


class IndicatorSerializer(serializers.ModelSerializer):
    year_targets = YearTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["code", "name", "unit", "direction", "target", "kind", "query", "resets_yearly", "clause", "year_targets"]


class PlanSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Plan
        fields = ["code", "name", "document_number", "issuer", "issued_on", "start_year", "end_year", "parent", "reporting_period"]


class PlanDetailSerializer(PlanSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "indicators"]


class ReadingSerializer(serializers.Serializer):
    """The same shape as `kechuang indicators --format json`."""

    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    year_target = serializers.FloatField(allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    progress = serializers.FloatField(allow_null=True)
    status = serializers.CharField()


class TaskStatusSerializer(serializers.Serializer):
    code = serializers.CharField(source="task.code")
    title = serializers.CharField(source="task.title")
    area = serializers.CharField(source="task.area.code")
    lead_department = serializers.CharField(source="task.lead_department.code", default=None)
    deadline = serializers.DateField()
    percent = serializers.IntegerField()
    light = serializers.CharField()
    overdue = serializers.SerializerMethodField()
    is_demo = serializers.BooleanField(source="task.is_demo")

    def get_overdue(self, status) -> list[str]:
        return [period.label for period in status.overdue]


class ProgressReportSerializer(serializers.ModelSerializer):
    task = serializers.SlugRelatedField(slug_field="code", read_only=True)
    plan = serializers.CharField(source="task.plan.code", read_only=True)
    submitted_by = serializers.StringRelatedField()
    reviewed_by = serializers.StringRelatedField()

    class Meta:
        model = ProgressReport
        fields = ["id", "plan", "task", "period", "period_end", "text", "percent", "state", "submitted_by", "submitted_at",
                  "reviewed_by", "reviewed_at", "review_comment"]
        read_only_fields = fields


class SubmitReportSerializer(serializers.Serializer):
    plan = serializers.SlugField()
    task = serializers.CharField()
    period = serializers.CharField()
    text = serializers.CharField()
    percent = serializers.IntegerField(min_value=0, max_value=100)


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
