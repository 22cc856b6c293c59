from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework import serializers

from kechuang.registry.models import Enterprise
from kechuang.vouchers.models import Claim, Provider, Scheme, Service

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": False}


class ClaimSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    provider = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    fee = serializers.DecimalField(read_only=True, **MONEY)
    subsidy = serializers.DecimalField(read_only=True, **MONEY)
    fee_paid = serializers.DecimalField(read_only=True, allow_null=True, **MONEY)
    paid_subsidy = serializers.DecimalField(read_only=True, allow_null=True, **MONEY)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id", "scheme", "enterprise", "provider", "service", "category", "fee", "subsidy", "intention", "state",
            "state_label", "on_behalf", "filed_on", "expires_on", "reason", "invoice_no", "fee_paid", "paid_subsidy",
            "decided_at", "redeemed_at", "paid_at",
        ]


def _lookup(model, field, value, message):
    obj = model.objects.filter(**{field: value}).first() if isinstance(value, str) and value else None
    if obj is None:
        raise serializers.ValidationError(message % {"value": value})
    return obj


class ClaimFilingSerializer(serializers.Serializer):
    """POST /api/vouchers/claims/: the scheme by code, the enterprise and the provider by USCC."""

    scheme = serializers.CharField(max_length=80)
    enterprise = serializers.CharField(max_length=18)
    provider = serializers.CharField(max_length=18)
    category = serializers.CharField(max_length=30)
    fee = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("1000000"))
    service = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    intention = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_scheme(self, value):
        return _lookup(Scheme, "code", value, _("No voucher scheme has the code “%(value)s”."))

    def validate_enterprise(self, value):
        return _lookup(Enterprise, "uscc", value.upper(), _("No enterprise in the registry has the code “%(value)s”."))

    def validate_provider(self, value):
        return _lookup(Provider, "uscc", value.upper(), _("No service provider has the code “%(value)s”."))

    def validate_service(self, value):
        return _lookup(Service, "pk", value, _("No service has the id %(value)s."))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class RedemptionSerializer(serializers.Serializer):
    invoice_no = serializers.CharField(max_length=40)
    fee_paid = serializers.DecimalField(max_digits=16, decimal_places=2, max_value=Decimal("1000000"))


class SchemeSerializer(serializers.ModelSerializer):
    budget = serializers.DecimalField(read_only=True, **MONEY)
    reserved = serializers.DecimalField(source="account.reserved", read_only=True, **MONEY)
    paid = serializers.DecimalField(source="account.paid", read_only=True, **MONEY)
    available = serializers.DecimalField(source="account.available", read_only=True, **MONEY)
    subsidy_ratio = serializers.DecimalField(max_digits=5, decimal_places=4, read_only=True, coerce_to_string=False)
    cap_per_claim = serializers.DecimalField(read_only=True, **MONEY)
    cap_per_enterprise = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = Scheme
        fields = [
            "code", "name", "kind", "year", "version", "budget", "reserved", "paid", "available", "subsidy_ratio",
            "cap_per_claim", "cap_per_enterprise", "categories", "valid_from", "valid_to", "claim_valid_days", "source",
            "verified",
        ]


class ServiceSerializer(serializers.ModelSerializer):
    provider = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    price = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = Service
        fields = [
            "id", "provider", "provider_name", "category", "name", "description", "price", "unit", "is_instrument",
            "instrument_model", "instrument_owner", "location",
        ]


class ProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = ["id", "uscc", "name", "kind", "categories", "contact", "phone", "status"]
