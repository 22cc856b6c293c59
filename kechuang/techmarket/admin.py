"""Back office for the technology market. Officers keep institutions, achievements and demands here;
contracts, matches and challenges move only through their workflows on the pages (so that every step
passes the services' checks and leaves its history), and are read-only here."""
from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from kechuang.core.choices import Role
from kechuang.registry.admin import RegistryAccess
from kechuang.techmarket.models import (
    Achievement,
    Challenge,
    ContractChange,
    Demand,
    Institution,
    Match,
    Milestone,
    Proposal,
    TechContract,
)

STAFF = frozenset({Role.OFFICER, Role.LEADER})


# Officers edit, leaders look, and every queryset goes through visible_to: the registry's rule.
MarketAccess = RegistryAccess


class WorkflowAccess(MarketAccess):
    view_roles = STAFF
    edit_roles = frozenset()


@admin.register(Institution)
class InstitutionAdmin(MarketAccess, ModelAdmin):
    list_display = ("name", "kind", "enterprise")
    list_filter = ("kind",)
    search_fields = ("name",)
    filter_horizontal = ("users",)
    raw_id_fields = ("enterprise",)


@admin.register(Achievement)
class AchievementAdmin(MarketAccess, ModelAdmin):
    list_display = ("title", "owner", "high_tech_domain", "maturity", "status", "published_on")
    list_filter = ("status", "owner__kind")
    search_fields = ("title", "keywords", "owner__name")
    raw_id_fields = ("owner", "high_tech_domain", "industry", "created_by")
    filter_horizontal = ("ip",)
    readonly_fields = ("status",)  # moves only through workflows.ACHIEVEMENT


@admin.register(Demand)
class DemandAdmin(MarketAccess, ModelAdmin):
    list_display = ("title", "enterprise", "high_tech_domain", "budget", "status", "posted_on")
    list_filter = ("status", "solution_mode")
    search_fields = ("title", "keywords", "enterprise__name")
    raw_id_fields = ("enterprise", "high_tech_domain", "industry", "created_by")
    readonly_fields = ("status",)  # moves only through workflows.DEMAND


@admin.register(Match)
class MatchAdmin(WorkflowAccess, ModelAdmin):
    list_display = ("demand", "achievement", "score", "stage", "contract", "created_at")
    list_filter = ("stage",)
    search_fields = ("demand__title", "achievement__title")


class RecordInline(WorkflowAccess, TabularInline):
    """The rows under a workflow record, shown as they are; its parent's visibility already applies."""

    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        return self.model.objects.all()


class ContractChangeInline(RecordInline):
    model = ContractChange
    fields = ("at", "kind", "by", "reason", "before", "after")


@admin.register(TechContract)
class TechContractAdmin(WorkflowAccess, ModelAdmin):
    list_display = ("registration_number", "name", "contract_type", "seller", "amount", "tech_amount", "status", "registered_on")
    list_filter = ("status", "contract_type", "buyer_abroad")
    search_fields = ("registration_number", "name", "seller__name", "buyer_name")
    inlines = (ContractChangeInline,)


class ProposalInline(RecordInline):
    model = Proposal
    fields = ("institution", "enterprise", "title", "budget", "months", "submitted_on")


class MilestoneInline(RecordInline):
    model = Milestone
    fields = ("title", "due_on", "amount", "status", "accepted_on", "accepted_by")


@admin.register(Challenge)
class ChallengeAdmin(WorkflowAccess, ModelAdmin):
    list_display = ("title", "demand", "support_amount", "paid_amount", "deadline", "status")
    list_select_related = ("demand", "account")
    list_filter = ("status",)
    search_fields = ("title", "demand__title")
    inlines = (ProposalInline, MilestoneInline)
