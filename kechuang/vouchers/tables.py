from django.utils.translation import gettext_lazy as _

from kechuang.core.tables import CODE, Column

CLAIM_COLUMNS = [
    Column(_("Claim number"), "number", kind=CODE),
    Column(_("Scheme"), "scheme.name"),
    Column(_("Enterprise"), "enterprise.name"),
    Column(_("Provider"), "provider.name"),
    Column(_("Category"), "category"),
    Column(_("Fee (10k yuan)"), "fee", numeric=True),
    Column(_("Subsidy (10k yuan)"), "subsidy", numeric=True),
    Column(_("State"), "state"),
    Column(_("Filed on"), "filed_on"),
    Column(_("Approval valid until"), "expires_on"),
]
SERVICE_COLUMNS = [
    Column(_("Service"), "name"),
    Column(_("Category"), "category"),
    Column(_("Provider"), "provider.name"),
    Column(_("Price (10k yuan)"), "price", numeric=True),
    Column(_("Price unit"), "unit"),
    Column(_("Instrument model"), "instrument_model"),
    Column(_("Location"), "location"),
]
PROVIDER_COLUMNS = [
    Column(_("Provider"), "name"),
    Column(_("Unified social credit code"), "uscc", kind=CODE),
    Column(_("Kind"), "kind"),
    Column(_("Service categories"), lambda p: "；".join(p.categories)),
    Column(_("Contact person"), "contact"),
    Column(_("Status"), "status"),
]
