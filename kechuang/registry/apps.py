from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.choices import Role

_STAFF = (Role.OFFICER, Role.LEADER)


class RegistryConfig(AppConfig):
    name = "kechuang.registry"
    label = "registry"
    verbose_name = _("Enterprise registry")
    nav = [
        (_("Enterprises"), "registry:enterprises", _STAFF),
        (_("Intellectual property"), "registry:ip", _STAFF),
        (_("Certificates"), "registry:certificates", _STAFF),
        (_("Alerts"), "registry:alerts", _STAFF),
        (_("Import"), "core:import", (Role.OFFICER,)),
        (_("My enterprise"), "registry:my-enterprise", (Role.ENTERPRISE,)),
    ]
