from rest_framework import serializers

from kechuang.talent.choices import SensitiveField
from kechuang.talent.models import Consent, DirectoryRow, Edition, EmployerDemand, Programme, ProgrammeLevel, Talent


class TalentSerializer(serializers.ModelSerializer):
    """Masked numbers only: the ciphertexts and indexes are not fields of the API."""

    employer = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    field_name = serializers.CharField(source="field.name", read_only=True)
    programme = serializers.CharField(source="level.programme.name", read_only=True, default=None)
    level_name = serializers.CharField(source="level.name", read_only=True, default=None)

    class Meta:
        model = Talent
        fields = [
            "id", "name", "gender", "birth_year", "id_masked", "phone_masked", "email", "education", "title", "field",
            "field_name", "employer", "employer_name", "position", "programme", "level_name", "recognition_year",
            "recognition_document", "mode", "arrival_date",
        ]
        read_only_fields = fields


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "talent", "purpose", "necessity", "form", "given_on", "withdrawn_on"]
        read_only_fields = fields


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=SensitiveField.choices)
    reason = serializers.CharField(max_length=300)


class RevealedSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class RemovalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ProgrammeLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgrammeLevel
        fields = ["code", "name"]


class ProgrammeSerializer(serializers.ModelSerializer):
    levels = ProgrammeLevelSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = ["code", "name", "issuer", "source", "verified", "district_own", "levels"]


class DirectoryRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = DirectoryRow
        fields = ["id", "industry", "field", "position", "profile", "programme", "education", "scarcity", "wanted"]


class DirectoryGapSerializer(serializers.Serializer):
    row = DirectoryRowSerializer()
    on_record = serializers.IntegerField()
    gap = serializers.IntegerField()


class DirectoryEditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Edition
        fields = ["year", "title", "state", "collect_until", "published_on", "document"]


class EmployerDemandSerializer(serializers.ModelSerializer):
    edition = serializers.SlugRelatedField(slug_field="year", queryset=Edition.objects.all())
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    wanted = serializers.IntegerField(min_value=1, max_value=2_147_483_647)

    class Meta:
        model = EmployerDemand
        fields = ["id", "edition", "enterprise", "field", "position", "profile", "education", "wanted", "submitted_on"]
        read_only_fields = ["id", "enterprise", "submitted_on"]
