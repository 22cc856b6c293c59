"""The back office keeps the programmes and their levels (a district's own programme, a level a newer
text adds). People are kept on the talent pages only: the back office would show no mask."""
from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from kechuang.core.backoffice import RoleModelAdminMixin
from kechuang.core.choices import Role
from kechuang.talent.models import Programme, ProgrammeLevel


class ProgrammeAccess(RoleModelAdminMixin):
    view_roles = frozenset({Role.LEADER})
    edit_roles = frozenset({Role.OFFICER})


class LevelInline(ProgrammeAccess, TabularInline):
    model = ProgrammeLevel
    fields = ("code", "name", "order")
    extra = 1


@admin.register(Programme)
class ProgrammeAdmin(ProgrammeAccess, ModelAdmin):
    list_display = ("name", "code", "issuer", "district_own", "verified")
    inlines = [LevelInline]
