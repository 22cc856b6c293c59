"""Columns of the project lists and the 公示 table."""
from django.utils.translation import gettext_lazy as _

from kechuang.core.tables import Column
from kechuang.projects.choices import ApplicationState

EXPERT_COLUMNS = [
    Column(_("Name"), "name"),
    Column(_("Field"), "field.name"),
    Column(_("Employer"), "employer"),
    Column(_("Level"), lambda e: e.get_level_display()),
    Column(_("Active"), lambda e: _("yes") if e.active else _("no")),
]

PUBLICITY_HEADERS = [_("Application number"), _("Project title"), _("Applicant organisation"), _("Score"), _("Rank"), _("Support (10k yuan)")]


def publicity_rows(call) -> list[tuple]:
    """The 公示 list: every approved application with its score, rank and amount."""
    approved = call.applications.filter(state=ApplicationState.APPROVED).select_related("enterprise", "institution").order_by(
        "rank", "number")
    return [(a.number, a.title, a.applicant_name, a.score if a.score is not None else "", a.rank or "", a.awarded) for a in approved]
