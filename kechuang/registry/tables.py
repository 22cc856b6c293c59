"""Columns of the registry's list pages; a page and its .xlsx export show the same columns."""
import datetime as dt

from django.utils.translation import gettext_lazy as _

from kechuang.core import clock
from kechuang.core.tables import CODE, COUNT, MONEY, PERCENT, YEAR, Column

EXPIRY_WARNING_DAYS = 90


def yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


def expiry_state(expires: dt.date | None, today: dt.date | None = None) -> str:
    """'ok', 'warn' (within 90 days) or 'bad' (expired): also the badge class on the profile page."""
    if expires is None:
        return "ok"
    today = today or clock.today()
    if expires < today:
        return "bad"
    return "warn" if (expires - today).days <= EXPIRY_WARNING_DAYS else "ok"


EXPIRY_LABELS = {"ok": _("valid"), "warn": _("expiring soon"), "bad": _("expired")}


def expiry_label(expires: dt.date | None) -> str:
    return str(EXPIRY_LABELS[expiry_state(expires)])


ENTERPRISE_COLUMNS = [
    Column(_("Name"), "name"),
    Column(_("USCC"), "uscc", kind=CODE),
    Column(_("Region"), "region.name"),
    Column(_("Industry"), lambda e: str(e.industry) if e.industry_id else None),
    Column(_("High-tech domain"), "high_tech_domain.name"),
    Column(_("Registration status"), "status"),
    Column(_("In the district"), lambda e: yes_no(e.in_district)),
    Column(_("Established"), "established"),
    Column(_("Registered capital (10k yuan)"), "registered_capital", numeric=True, kind=MONEY),
]

IP_COLUMNS = [
    Column(_("Number"), "number", kind=CODE),
    Column(_("Title"), "title"),
    Column(_("Kind"), "kind.label"),
    Column(_("IP class"), "kind.ip_class"),
    Column(_("Legal status"), "status"),
    Column(_("Owners"), lambda ip: "、".join(owner.name for owner in ip.owners.all())),
    Column(_("Filing date"), "filed"),
    Column(_("Grant date"), "granted"),
    Column(_("Expiry date"), "expires"),
    Column(_("Acquired by"), "acquired_by"),
]

CERTIFICATE_COLUMNS = [
    Column(_("Enterprise"), "enterprise.name"),
    Column(_("USCC"), "enterprise.uscc", kind=CODE),
    Column(_("Kind"), "kind"),
    Column(_("Certificate number"), "number"),
    Column(_("Issue date"), "issued"),
    Column(_("Expiry date"), "expires"),
    Column(_("State"), lambda cert: expiry_label(cert.expires)),
]

YEARLY_COLUMNS = [
    Column(_("Year"), "year", kind=YEAR),
    Column(_("Employees"), "employees", numeric=True, kind=COUNT),
    Column(_("Tech staff"), "tech_staff", numeric=True, kind=COUNT),
    Column(_("Operating revenue"), "revenue", numeric=True, kind=MONEY),
    Column(_("R&D expense"), "rd_expense", numeric=True, kind=MONEY),
    Column(_("Domestic R&D expense"), "rd_expense_domestic", numeric=True, kind=MONEY),
    Column(_("R&D ratio"), "rd_ratio", kind=PERCENT),
    Column(_("High-tech product revenue"), "high_tech_revenue", numeric=True, kind=MONEY),
    Column(_("Total assets"), "total_assets", numeric=True, kind=MONEY),
    Column(_("Net assets"), "net_assets", numeric=True, kind=MONEY),
    Column(_("Source"), "source"),
    Column(_("Source date"), "source_date"),
]
