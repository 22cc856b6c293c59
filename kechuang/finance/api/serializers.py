from django.utils.translation import gettext as _
from rest_framework import serializers

from kechuang.finance.choices import FinancingForm, FinancingPurpose
from kechuang.finance.models import FinancingDemand, FollowUp, ListingEntry, PointsScore, StageRecord

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": False}


# Choice fields go out as their codes (with a *_label beside them where useful): declared as plain strings,
# so that the schema's enums do not collide with the other apps' "stage" and "state" choice sets.
CODE = {"read_only": True}


class ListingStageRecordSerializer(serializers.ModelSerializer):
    from_stage = serializers.CharField(**CODE)
    stage = serializers.CharField(**CODE)

    class Meta:
        model = StageRecord
        fields = ["from_stage", "stage", "date", "reason"]


class ListingFollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["raised_on", "need", "handler", "resolved_on", "resolution"]


class ListingEntrySerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    board = serializers.CharField(**CODE)
    tier = serializers.CharField(**CODE)
    stage = serializers.CharField(**CODE)
    board_label = serializers.CharField(source="get_board_display", read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    stage_records = ListingStageRecordSerializer(many=True, read_only=True)
    follow_ups = ListingFollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = ListingEntry
        fields = ["id", "enterprise", "enterprise_name", "board", "board_label", "tier", "tier_label", "stage", "stage_label",
                  "stage_on", "entered_on", "sponsor", "law_firm", "audit_firm", "stage_records", "follow_ups"]


class ListingStageMoveSerializer(serializers.Serializer):
    stage = serializers.CharField()
    date = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class FinancingDemandSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    amount = serializers.DecimalField(read_only=True, **MONEY)
    funded_amount = serializers.DecimalField(read_only=True, allow_null=True, **MONEY)
    state = serializers.CharField(**CODE)
    form = serializers.CharField(**CODE)
    purpose = serializers.CharField(**CODE)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    product = serializers.StringRelatedField(read_only=True)
    fund = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = FinancingDemand
        fields = ["id", "enterprise", "amount", "form", "purpose", "term_months", "description", "posted_on", "state",
                  "state_label", "product", "fund", "funded_amount", "funded_on", "closed_reason"]


class FinancingDemandPostSerializer(serializers.Serializer):
    """POST /api/finance/demands/: an enterprise user posts for its own firm; an officer names the firm."""

    enterprise = serializers.CharField(required=False, max_length=18)
    amount = serializers.CharField(help_text=_("Amount sought (10k yuan)"))
    form = serializers.ChoiceField(choices=FinancingForm.choices)
    purpose = serializers.ChoiceField(choices=FinancingPurpose.choices)
    term_months = serializers.IntegerField(required=False, min_value=1, max_value=360)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class InnovationPointsSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    stage = serializers.CharField(**CODE)
    total = serializers.FloatField()

    class Meta:
        model = PointsScore
        fields = ["enterprise", "enterprise_name", "year", "stage", "total", "technology", "growth", "auxiliary", "deduction", "rank"]
