from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    AT_LEAST = "ge", "≥"
    MORE_THAN = "gt", ">"
    AT_MOST = "le", "≤"


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the registries")
    MANUAL = "manual", _("Manual series")
    ROLLUP = "rollup", _("Sum of child plans")


class Unit(models.TextChoices):
    """The units a plan indicator may be kept in. Money is always 万元 and ratios always fractions, so a
    target written in 亿元 or as a percentage number is a unit error, not something to guess at."""

    PIECES = "件", "件"
    ENTERPRISES = "家", "家"
    TEN_K_YUAN = "万元", "万元"
    RATIO = "%", "%"


class Status(models.TextChoices):
    MET = "met", _("Met")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BEHIND = "behind", _("Behind")
    NO_DATA = "no_data", _("No data")


class ReportingPeriod(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
