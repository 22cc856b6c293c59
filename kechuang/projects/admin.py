from django.contrib import admin
from unfold.admin import ModelAdmin

from kechuang.core.backoffice import RoleModelAdminMixin
from kechuang.core.choices import Role
from kechuang.projects.models import Application, Call, Expert, Project


class ProjectsAccess(RoleModelAdminMixin, ModelAdmin):
    """Calls, applications and projects move only through their services and workflows: the back office reads."""

    view_roles = frozenset({Role.OFFICER, Role.LEADER})
    superuser_may_edit = False


@admin.register(Expert)
class ExpertAdmin(RoleModelAdminMixin, ModelAdmin):
    """The expert pool is kept here (and imported): field, employer, level and declared conflicts."""

    view_roles = frozenset({Role.OFFICER, Role.LEADER})
    edit_roles = frozenset({Role.OFFICER})
    list_display = ("name", "field", "employer", "level", "active")
    list_filter = ("field", "level", "active")
    search_fields = ("name", "employer")


@admin.register(Call)
class CallAdmin(ProjectsAccess):
    list_display = ("code", "title", "programme", "year", "budget", "deadline", "state")


@admin.register(Application)
class ApplicationAdmin(ProjectsAccess):
    list_display = ("number", "title", "state", "requested", "score", "rank")
    list_filter = ("state",)
    search_fields = ("number", "title")


@admin.register(Project)
class ProjectAdmin(ProjectsAccess):
    list_display = ("number", "title", "award", "state", "ends_on")
    list_filter = ("state",)
    search_fields = ("number", "title")
