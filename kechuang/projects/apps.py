from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.permissions import sees_everything


class ProjectsConfig(AppConfig):
    name = "kechuang.projects"
    label = "projects"
    workspace = "kechuang.projects.workspace.work_items"
    verbose_name = _("S&T projects")
    profile_sections = ["kechuang.projects.profile.projects_section"]
    nav = [
        (_("S&T projects"), "projects:workspace"),
        (_("Project tracking board"), "projects:board"),
        (_("Collection rounds"), "projects:rounds"),
        (_("Expert pool"), "projects:experts", sees_everything),
        (_("Project statistics"), "projects:statistics"),
    ]
