from rest_framework import serializers

from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty, YearlyData
from kechuang.registry.services import CONTACT_FIELDS, YEARLY_FIGURES, yearly_problems


class EnterpriseSerializer(serializers.ModelSerializer):
    """Registration facts are read-only here (officers keep them through imports and the back office);
    only the contacts are writable."""

    region_name = serializers.CharField(source="region.name", read_only=True)
    in_district = serializers.BooleanField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="registry-api:enterprise-detail", lookup_field="uscc")

    class Meta:
        model = Enterprise
        fields = [
            "url", "uscc", "name", "established", "region", "region_name", "industry", "high_tech_domain",
            "registered_capital", "address", "status", "in_district", *CONTACT_FIELDS,
        ]
        read_only_fields = [
            "uscc", "name", "established", "region", "industry", "high_tech_domain", "registered_capital", "address", "status",
        ]


class YearlyDataSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    rd_ratio = serializers.DecimalField(max_digits=12, decimal_places=6, read_only=True)

    class Meta:
        model = YearlyData
        fields = ["id", "enterprise", "year", *YEARLY_FIGURES, "rd_ratio", "source", "source_date"]
        read_only_fields = ["year", "source", "source_date"]

    def validate(self, attrs):
        current = {field: getattr(self.instance, field) for field in YEARLY_FIGURES} if self.instance else {}
        problems = yearly_problems({**current, **attrs})
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class IntellectualPropertySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="kind.label", read_only=True)
    ip_class = serializers.CharField(source="kind.ip_class", read_only=True)
    owners = serializers.SlugRelatedField(slug_field="uscc", many=True, read_only=True)

    class Meta:
        model = IntellectualProperty
        fields = ["id", "number", "kind", "kind_label", "ip_class", "title", "owners", "filed", "granted", "expires", "status", "acquired_by"]


class CertificateSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "enterprise", "kind", "number", "issued", "expires"]
