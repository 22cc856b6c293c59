from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    KEY_TECHNOLOGY = "key_technology", _("Key core technology breakthroughs")
    SME_RD = "sme_rd", _("SME R&D capability")
    FRONTIER = "frontier", _("Frontier technology")
    AWARD = "award", _("S&T awards")


class CallState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    REVIEW = "review", _("Under review")
    PUBLICITY = "publicity", _("Public notice")
    DECIDED = "decided", _("Decided")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    COMPLETE = "complete", _("Formally complete")
    REJECTED = "rejected", _("Rejected at formal review")
    APPROVED = "approved", _("Approved (立项)")
    NOT_APPROVED = "not_approved", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CostCategory(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment")
    OPERATIONS = "operations", _("Operations (materials, testing, travel, publication)")
    LABOUR = "labour", _("Labour")
    INDIRECT = "indirect", _("Indirect costs")


class ExpertLevel(models.TextChoices):
    NATIONAL = "national", _("National expert")
    MUNICIPAL = "municipal", _("Municipal expert")
    DISTRICT = "district", _("District expert")


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SCORED = "scored", _("Scored")


class ProjectState(models.TextChoices):
    CONTRACTING = "contracting", _("Contract to sign")
    UNDERWAY = "underway", _("Under way")
    PASSED = "passed", _("Accepted: passed")
    CONCLUDED = "concluded", _("Accepted: concluded")
    FAILED = "failed", _("Accepted: failed")
    TERMINATED = "terminated", _("Terminated")


OPEN_PROJECT_STATES = (ProjectState.CONTRACTING, ProjectState.UNDERWAY)


class MilestoneKind(models.TextChoices):
    SIGNING = "signing", _("Contract signed")
    MID_TERM = "mid_term", _("Mid-term check passed")
    ACCEPTANCE = "acceptance", _("Acceptance passed")


class MilestoneState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACCEPTED = "accepted", _("Accepted")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class CheckResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    RECTIFY = "rectify", _("Rectification required")
    FAILED = "failed", _("Failed the check")


class AcceptanceResult(models.TextChoices):
    PASSED = "passed", _("Passed (通过)")
    CONCLUDED = "concluded", _("Concluded (结题)")
    FAILED = "failed", _("Failed (不通过)")


class ChangeKind(models.TextChoices):
    EXTENSION = "extension", _("Extension (延期)")
    LEADER = "leader", _("Change of project leader")
    BUDGET = "budget", _("Budget adjustment")


class ChangeState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class IndicatorKind(models.TextChoices):
    PATENTS = "patents", _("Patents")
    REVENUE = "revenue", _("Revenue (10k yuan)")
    STANDARDS = "standards", _("Standards")
    OTHER = "other", _("Other")


class OutcomeKind(models.TextChoices):
    IP = "ip", _("Patent / IP")
    CONTRACT = "contract", _("Technology contract")
    STANDARD = "standard", _("Standard")
    CERTIFICATE = "certificate", _("Certificate")


class Risk(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class CollectionKind(models.TextChoices):
    ACHIEVEMENTS = "achievements", _("Achievements")
    DEMANDS = "demands", _("Demands")
    BOTH = "both", _("Achievements and demands")


class TargetPopulation(models.TextChoices):
    DISTRICT = "district", _("All in-district enterprises")
    TIER = "tier", _("Enterprises holding one tier's certificate")
    INSTITUTIONS = "institutions", _("Universities and institutes")


class Answer(models.TextChoices):
    SILENT = "silent", _("No answer yet")
    ANSWERED = "answered", _("Answered")
    NOTHING = "nothing", _("Nothing to report (无)")
