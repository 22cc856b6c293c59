"""The talent an enterprise's profile lists (registry.profile finds this through TalentConfig): the
people the viewer may see, masked like every other page."""
from django.db.models import Count
from django.utils.translation import gettext as _

from kechuang.registry.profile import ProfileSection
from kechuang.talent.models import Talent

SHOWN = 50


def staff_section(enterprise, user):
    staff = Talent.objects.visible_to(user).filter(employer=enterprise)
    shown = list(staff.select_related("field", "level__programme")[:SHOWN])
    if not shown:
        return None
    by_programme = list(staff.values("level__programme__name").annotate(people=Count("id")).order_by("level__programme__name"))
    return ProfileSection(_("Talent on record"), "talent/_profile_staff.html", {"staff": shown, "by_programme": by_programme})
