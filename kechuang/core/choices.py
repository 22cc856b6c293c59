from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("S&T bureau officer")
    LEADER = "leader", _("Leader (read-only)")
    LIAISON = "liaison", _("Department liaison")
    ENTERPRISE = "enterprise", _("Enterprise user")
    INSTITUTION = "institution", _("Institution user")
    PROVIDER = "provider", _("Service provider")
    EXPERT = "expert", _("Review expert")
    CARRIER = "carrier", _("Carrier operator")
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
    PASSWORD_CHANGE = "password_change", _("Password changed")
    LOCKOUT = "lockout", _("Account locked out")
    UNLOCK = "unlock", _("Lockout lifted")
    PRIVILEGE_REQUEST = "privilege_request", _("Privileged change requested")
    PRIVILEGE_APPROVE = "privilege_approve", _("Privileged change approved")
    OTP_DEVICE = "otp_device", _("Second factor set up")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    ARCHIVE = "archive", _("Audit entries archived")


# The three administrator roles of 三员分立: an account holding one of them is created, granted, reset
# or changed only through a two-person privileged change (`kechuang.core.privileges`).
PRIVILEGED_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
# Roles that must log in with a second factor (TOTP) when KECHUANG_REQUIRE_OTP is on.
SECOND_FACTOR_ROLES = frozenset({Role.OFFICER, *PRIVILEGED_ROLES})


class PrivilegedChangeKind(models.TextChoices):
    CREATE_ACCOUNT = "create_account", _("Create an administrator account")
    SET_ROLE = "set_role", _("Grant or withdraw an administrator role")
    RESET_PASSWORD = "reset_password", _("Reset an administrator's password")
    SET_ACTIVE = "set_active", _("Enable or disable an administrator account")


class PrivilegedChangeState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved and applied")
    REJECTED = "rejected", _("Rejected")
