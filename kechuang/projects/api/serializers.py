from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kechuang.projects import permissions as perms
from kechuang.projects.models import Application, Assignment, Call, CollectionRound, Milestone, Project

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": False, "read_only": True}


class PartySerializer(serializers.Serializer):
    name = serializers.CharField()
    uscc = serializers.CharField()


class BudgetLineSerializer(serializers.Serializer):
    category = serializers.CharField()
    own_funds = serializers.FloatField()
    requested = serializers.FloatField()


class OutcomeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    uscc = serializers.CharField()
    number = serializers.CharField()


class CallSerializer(serializers.ModelSerializer):
    budget = serializers.DecimalField(**MONEY)
    reserved = serializers.DecimalField(source="account.reserved", **MONEY)
    paid = serializers.DecimalField(source="account.paid", **MONEY)

    class Meta:
        model = Call
        fields = ["code", "title", "programme", "year", "budget", "reserved", "paid", "opens_on", "deadline", "anonymised",
                  "bands", "eligibility", "form_fields", "attachments", "criteria", "payment_schedule", "state",
                  "publicity_from", "publicity_until"]


class ApplicationSerializer(serializers.ModelSerializer):
    """An application; for an expert of an anonymised call, without anything that names the applicant."""

    call = serializers.SlugRelatedField(slug_field="code", read_only=True)
    applicant = serializers.SerializerMethodField()
    applicant_uscc = serializers.SerializerMethodField()
    co_applicants = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    leader = serializers.SerializerMethodField()
    budget = serializers.SerializerMethodField()
    total_cost = serializers.DecimalField(**MONEY)
    own_funds = serializers.DecimalField(**MONEY)
    requested = serializers.DecimalField(**MONEY)
    awarded = serializers.DecimalField(allow_null=True, **MONEY)

    class Meta:
        model = Application
        fields = ["id", "call", "number", "title", "field", "applicant", "applicant_uscc", "leader", "co_applicants", "band",
                  "answers", "budget", "total_cost", "own_funds", "requested", "state", "submitted_on", "formal_reason",
                  "score", "rank", "awarded", "decision_reason"]

    def _identities(self, application) -> bool:
        return perms.sees_identities(self.context["request"].user, application)

    def get_applicant(self, application) -> str:
        return application.applicant_name if self._identities(application) else application.anonymous_label

    def get_applicant_uscc(self, application) -> str:
        return application.applicant_uscc if self._identities(application) else ""

    def get_leader(self, application) -> str:
        return application.leader if self._identities(application) else ""

    @extend_schema_field(PartySerializer(many=True))
    def get_co_applicants(self, application):
        if not self._identities(application):
            return []
        return [{"name": p.name, "uscc": p.uscc} for p in application.co_applicants.all()]

    def get_answers(self, application) -> dict[str, str]:
        shown = {f["key"] for f in application.call.form_fields if self._identities(application) or not f.get("identifying")}
        return {key: value for key, value in application.answers.items() if key in shown}

    @extend_schema_field(BudgetLineSerializer(many=True))
    def get_budget(self, application):
        return [{"category": line.category, "own_funds": float(line.own_funds), "requested": float(line.requested)}
                for line in application.budget_lines.all()]


class AssignmentSerializer(serializers.ModelSerializer):
    application = serializers.SerializerMethodField()
    total = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = ["id", "application", "state", "scores", "total", "comment", "scored_at"]

    @extend_schema_field(ApplicationSerializer)
    def get_application(self, assignment):
        return ApplicationSerializer(assignment.application, context=self.context).data


class ScoreSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.CharField(max_length=20))
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class FormalReviewSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["complete", "return", "reject"])
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True, min_value=0, max_value=1000000)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MilestoneSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY)
    paid_amount = serializers.DecimalField(allow_null=True, **MONEY)

    class Meta:
        model = Milestone
        fields = ["order", "kind", "due_on", "amount", "state", "accepted_on", "paid_amount", "paid_on"]


class ProjectSerializer(serializers.ModelSerializer):
    call = serializers.SlugRelatedField(slug_field="code", read_only=True)
    holder = serializers.CharField(source="holder_name", read_only=True)
    award = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(source="account.paid", **MONEY)
    recovered = serializers.DecimalField(**MONEY)
    milestones = MilestoneSerializer(many=True, read_only=True)
    outcomes = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["number", "call", "title", "holder", "leader", "award", "paid", "recovered", "starts_on", "ends_on",
                  "signed_on", "state", "milestones", "outcomes"]

    @extend_schema_field(OutcomeSerializer(many=True))
    def get_outcomes(self, project):
        return [{"kind": o.kind, "uscc": o.uscc, "number": o.number} for o in project.outcomes.all()]


class PaymentSerializer(serializers.Serializer):
    milestone = serializers.IntegerField(min_value=1, max_value=20)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionRound
        fields = ["code", "title", "kind", "population", "tier", "opens_on", "deadline"]
