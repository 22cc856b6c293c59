from rest_framework import serializers

from kechuang.cultivation.models import CultivationAction, Enrollment


class CultivationActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CultivationAction
        fields = ["id", "kind", "date", "note", "officer"]


class EnrollmentSerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    certificate_number = serializers.CharField(source="certificate.number", read_only=True, default=None)
    actions = CultivationActionSerializer(many=True, read_only=True)

    class Meta:
        model = Enrollment
        fields = [
            "id", "enterprise", "enterprise_uscc", "enterprise_name", "tier", "year", "stage", "officer",
            "candidate_on", "enrolled_on", "cultivating_on", "recognised_on", "exited_on", "exit_reason",
            "certificate", "certificate_number", "screened_on", "score", "gap_count", "gaps", "actions",
        ]
