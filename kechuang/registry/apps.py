from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.permissions import is_enterprise_user, sees_everything


class RegistryConfig(AppConfig):
    name = "kechuang.registry"
    label = "registry"
    verbose_name = _("Enterprise registry")
    # An enterprise user may open the lists too (its own rows), but reaches them from "My enterprise".
    nav = [
        (_("Enterprises"), "registry:enterprises", sees_everything),
        (_("Intellectual property"), "registry:ip", sees_everything),
        (_("Certificates"), "registry:certificates", sees_everything),
        (_("Alerts"), "registry:alerts"),
        (_("Import"), "core:import"),
        (_("My enterprise"), "registry:my-enterprise", is_enterprise_user),
    ]
