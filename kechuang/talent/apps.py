from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from kechuang.talent.permissions import sees_talent


class TalentConfig(AppConfig):
    name = "kechuang.talent"
    label = "talent"
    verbose_name = _("Talent")
    profile_sections = ["kechuang.talent.profile.staff_section"]
    nav = [
        (_("Talent"), "talent:talents"),
        (_("Talent guidance directory"), "talent:editions", sees_talent),
        (_("Talent map"), "talent:map"),
    ]

    def ready(self):
        post_migrate.connect(_sync_after_migrate, sender=self, dispatch_uid="talent-programmes")


def _sync_after_migrate(sender, **kwargs):
    from kechuang.core.audit import installing
    from kechuang.talent.programmes import sync_programmes

    with installing():
        sync_programmes()
