from django.utils.translation import gettext_lazy as _

from kechuang.carriers.evaluation import system
from kechuang.core.tables import Column

CARRIER_COLUMNS = [
    Column(_("Carrier"), "name"),
    Column(_("Code"), "code"),
    Column(_("Type"), "kind"),
    Column(_("Level"), "level"),
    Column(_("Recognised on"), "recognised_on"),
    Column(_("Recognition document"), "recognition_document"),
    Column(_("Operator"), "operator.name"),
    Column(_("Cluster"), "cluster"),
    Column(_("Specialised field"), "field"),
    Column(_("Floor area (m²)"), "floor_area", numeric=True),
    Column(_("Tenants now"), lambda c: getattr(c, "tenants_now", None), numeric=True),
    Column(_("Carrier address"), "address"),
]
TENANT_COLUMNS = [
    Column(_("Enterprise"), "enterprise.name"),
    Column(_("Unified social credit code"), "enterprise.uscc"),
    Column(_("Carrier"), "carrier.name"),
    Column(_("Entry date"), "entered"),
    Column(_("Exit date"), "exited"),
    Column(_("Space used (m²)"), "space", numeric=True),
    Column(_("Status"), "status"),
    Column(_("Graduation date"), "graduated_on"),
    Column(_("Destination"), "destination"),
]
EVENT_COLUMNS = [
    Column(_("Event"), "name"),
    Column(_("Kind"), "kind"),
    Column(_("Organiser"), lambda e: e.organiser.name if e.organiser_id else "科技局"),
    Column(_("Starts"), "starts"),
    Column(_("Ends"), "ends"),
    Column(_("Tracks"), lambda e: "、".join(e.tracks)),
    Column(_("State"), "state"),
]
REPORT_COLUMNS = [
    Column(_("Carrier"), "carrier.name"),
    Column(_("Year"), "year"),
    Column(_("Due date"), "due"),
    Column(_("State"), "state"),
    Column(_("Submitted at"), "submitted_at"),
]
# Rows of `evaluation.with_change`: {"score", "previous", "change"}.
RANKING_COLUMNS = [
    Column(_("Rank"), lambda r: r["score"].rank, numeric=True),
    Column(_("Carrier"), lambda r: r["score"].carrier.name),
    Column(_("Variant"), lambda r: system().variants.get(r["score"].variant, r["score"].variant)),
    Column(_("Score"), lambda r: r["score"].total, numeric=True),
    Column(_("The year before"), lambda r: r["previous"], numeric=True),
    Column(_("Change on the year before"), lambda r: r["change"], numeric=True),
]
