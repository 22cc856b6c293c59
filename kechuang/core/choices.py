from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("S&T bureau officer")
    LEADER = "leader", _("Leader (read-only)")
    LIAISON = "liaison", _("Department liaison")
    ENTERPRISE = "enterprise", _("Enterprise user")
    INSTITUTION = "institution", _("Institution user")
    PROVIDER = "provider", _("Service provider")
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
    AUDITOR = "auditor", _("Auditor")


# Roles that work across the whole registry; every other role is confined to its own records.
STAFF_ROLES = frozenset({Role.OFFICER, Role.LEADER})


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


class IndustryLevel(models.TextChoices):
    SECTION = "section", _("Section")
    DIVISION = "division", _("Division")
    GROUP = "group", _("Group")
    CLASS = "class", _("Class")


class DomainLevel(models.TextChoices):
    DOMAIN = "domain", _("Domain")
    SUBDOMAIN = "subdomain", _("Sub-domain")
    ITEM = "item", _("Item")


class IPClass(models.TextChoices):
    CLASS_I = "I", "Ⅰ类"
    CLASS_II = "II", "Ⅱ类"


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    LOGIN = "login", _("Login")
    LOGOUT = "logout", _("Logout")
    LOGIN_FAILED = "login_failed", _("Failed login")
