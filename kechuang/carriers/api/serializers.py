from decimal import Decimal

from rest_framework import serializers

from kechuang.carriers.choices import Destination
from kechuang.carriers.models import Carrier, CarrierScore, Entry, Event, Tenant

AREA = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": False}


class CarrierSerializer(serializers.ModelSerializer):
    operator = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    operator_name = serializers.CharField(source="operator.name", read_only=True)
    floor_area = serializers.DecimalField(read_only=True, **AREA)

    class Meta:
        model = Carrier
        fields = ["code", "name", "kind", "level", "recognised_on", "recognition_document", "operator", "operator_name",
                  "cluster", "field", "specialised", "floor_area", "address", "region"]


class TenantSerializer(serializers.ModelSerializer):
    carrier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    space = serializers.DecimalField(read_only=True, allow_null=True, **AREA)

    class Meta:
        model = Tenant
        fields = ["id", "carrier", "enterprise", "enterprise_name", "entered", "exited", "space", "status", "graduated_on",
                  "graduation_ruleset", "graduation_facts", "override_reason", "destination"]


class TenantFilingSerializer(serializers.Serializer):
    carrier = serializers.SlugRelatedField(slug_field="code", queryset=Carrier.objects.all())
    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Tenant._meta.get_field("enterprise").related_model.objects.all())
    entered = serializers.DateField()
    exited = serializers.DateField(required=False, allow_null=True)
    space = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True)


class GraduationSerializer(serializers.Serializer):
    date = serializers.DateField()
    destination = serializers.ChoiceField(choices=Destination.choices, required=False, allow_blank=True, default="")
    destination_carrier = serializers.SlugRelatedField(slug_field="code", queryset=Carrier.objects.all(), required=False, allow_null=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EvaluationScoreSerializer(serializers.ModelSerializer):
    carrier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    total = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, coerce_to_string=False)

    class Meta:
        model = CarrierScore
        fields = ["carrier", "year", "system", "variant", "total", "rank", "items"]


class EntrySerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)

    class Meta:
        model = Entry
        fields = ["id", "title", "track", "enterprise", "team_name", "reached", "final_score", "final_rank", "award"]


class EventSerializer(serializers.ModelSerializer):
    organiser = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Event
        fields = ["code", "name", "kind", "organiser", "starts", "ends", "tracks", "prize_level", "state", "published_on"]


class JudgeScoreSerializer(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    entry = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    scores = serializers.DictField(child=serializers.CharField(max_length=20))
