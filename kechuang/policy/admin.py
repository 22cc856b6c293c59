"""Back office for policy data: rule-set versions (read-only copies of the YAML files) and screening
runs. Rule sets change by editing their files and `kechuang loadrules`, never here."""
from django.contrib import admin
from unfold.admin import ModelAdmin

from kechuang.core.backoffice import RoleModelAdminMixin
from kechuang.core.choices import Role
from kechuang.policy.models import RuleSetVersion, ScreeningRun


class ReadOnly(RoleModelAdminMixin):
    view_roles = frozenset({Role.OFFICER, Role.LEADER})
    edit_roles = frozenset()
    superuser_may_edit = False


@admin.register(RuleSetVersion)
class RuleSetVersionAdmin(ReadOnly, ModelAdmin):
    list_display = ("key", "version", "name", "document_number", "effective_from", "effective_to",
                    "criteria_count", "verified_count", "loaded_at")
    search_fields = ("key", "name", "document_number")
    readonly_fields = [f.name for f in RuleSetVersion._meta.fields]


@admin.register(ScreeningRun)
class ScreeningRunAdmin(ReadOnly, ModelAdmin):
    list_display = ("as_of", "started", "finished")
    readonly_fields = ("as_of", "started", "finished", "counts")
