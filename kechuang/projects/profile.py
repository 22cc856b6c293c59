"""The S&T projects an enterprise's profile lists (registry.profile finds this through ProjectsConfig)."""
from django.utils.translation import gettext as _

from kechuang.projects.models import Project
from kechuang.registry.profile import ProfileSection

SHOWN = 50


def projects_section(enterprise, user):
    shown = list(Project.objects.visible_to(user).filter(enterprise=enterprise).select_related("call", "account")[:SHOWN])
    if not shown:
        return None
    return ProfileSection(_("S&T projects funded through this platform"), "projects/_profile_projects.html", {"projects": shown})
