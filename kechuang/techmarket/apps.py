from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.permissions import sees_everything
from kechuang.techmarket.permissions import sells_technology, takes_part_in_market


class TechmarketConfig(AppConfig):
    name = "kechuang.techmarket"
    label = "techmarket"
    workspace = "kechuang.techmarket.workspace.work_items"
    verbose_name = _("Technology market")
    nav = [
        (_("Technology market"), "techmarket:overview"),
        (_("Achievements"), "techmarket:achievements", takes_part_in_market),
        (_("Demands"), "techmarket:demands"),
        (_("Matches"), "techmarket:matches", sees_everything),
        (_("Open challenges"), "techmarket:challenges"),
        (_("Technology contracts"), "techmarket:contracts", sells_technology),
    ]

    def ready(self):
        from django.db.models.signals import post_migrate

        from kechuang.techmarket import fulltext, matcher  # noqa: F401  matcher connects the handlers that index every save

        post_migrate.connect(fulltext.after_migrate, sender=self)
