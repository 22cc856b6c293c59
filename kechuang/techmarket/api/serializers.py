from rest_framework import serializers

from kechuang.techmarket.models import Achievement, Challenge, Demand, Match, TechContract


class AchievementSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    transfer_modes = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Achievement
        fields = [
            "id", "title", "summary", "owner", "owner_name", "high_tech_domain", "industry", "keywords", "maturity",
            "transfer_modes", "asking_price", "status", "published_on",
        ]


class DemandSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)

    class Meta:
        model = Demand
        fields = [
            "id", "enterprise", "title", "problem", "key_points", "goals", "budget", "months", "solution_mode",
            "high_tech_domain", "industry", "keywords", "status", "posted_on",
        ]


class MatchSerializer(serializers.ModelSerializer):
    contract = serializers.SlugRelatedField(slug_field="registration_number", read_only=True)

    class Meta:
        model = Match
        fields = ["id", "demand", "achievement", "score", "reasons", "stage", "contract", "created_at", "stage_changed_at"]


class ChallengeSerializer(serializers.ModelSerializer):
    paid_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Challenge
        fields = ["id", "demand", "title", "support_amount", "paid_amount", "deadline", "status", "result_published_on"]


class TechContractSerializer(serializers.ModelSerializer):
    seller = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    type_label = serializers.CharField(read_only=True)

    class Meta:
        model = TechContract
        fields = [
            "id", "registration_number", "name", "contract_type", "subtype", "type_label", "seller", "buyer_name",
            "buyer_region", "buyer_abroad", "amount", "tech_amount", "signed_on", "applied_on", "registered_on", "status",
        ]


class RankedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
