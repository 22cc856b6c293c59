"""An enterprise's stays at carriers and its event entries, on its profile page (registry.profile finds
this through CarriersConfig)."""
from django.utils.translation import gettext as _

from kechuang.carriers.models import Entry, Tenant
from kechuang.registry.profile import ProfileSection

SHOWN = 20


def carriers_section(enterprise, user):
    stays = list(Tenant.objects.visible_to(user).filter(enterprise=enterprise).select_related("carrier").order_by("entered")[:SHOWN])
    entries = list(Entry.objects.visible_to(user).filter(enterprise=enterprise).select_related("event").distinct()
                   .order_by("-event__starts")[:SHOWN])
    if not stays and not entries:
        return None
    return ProfileSection(_("Carriers and events"), "carriers/_profile.html", {"stays": stays, "entries": entries})
