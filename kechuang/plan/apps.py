from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from kechuang.core.permissions import is_liaison, sees_everything

SEED_PLAN_CODE = "eco-city-2020-2022"
SEED_PLAN_FILE = Path(__file__).resolve().parent / "plans" / f"{SEED_PLAN_CODE}.yaml"


def install_seed_plan(sender, using="default", **kwargs):
    """A fresh install carries the seed plan; an installed one (possibly edited) is left as it is."""
    from kechuang.core.audit import installing
    from kechuang.plan.importers import load_yaml
    from kechuang.plan.models import Plan

    if not Plan.objects.using(using).filter(code=SEED_PLAN_CODE).exists():
        with installing():
            load_yaml(SEED_PLAN_FILE)


class PlanConfig(AppConfig):
    name = "kechuang.plan"
    label = "plan"
    workspace = "kechuang.plan.workspace.work_items"
    verbose_name = _("Plan")
    nav = [
        (_("Cockpit"), "plan:home"),
        (_("Task board"), "plan:board", sees_everything),
        (_("Our tasks"), "plan:my_department", is_liaison),
    ]

    def ready(self):
        from django.apps import apps

        from kechuang.core.imports import rows_written
        from kechuang.plan.evaluation import forget_year_ends
        from kechuang.plan.indicators import MANUAL_FIGURES, models_read

        post_migrate.connect(install_seed_plan, sender=self, dispatch_uid="plan-seed")
        # The records the indicators count: a change to any of them makes stored year-end values stale.
        for label in sorted(models_read() | {MANUAL_FIGURES}):
            model = apps.get_model(label)
            if model._meta.auto_created:
                m2m_changed.connect(forget_year_ends, sender=model, dispatch_uid=f"plan-year-ends-m2m-{label}")
                continue
            for name, signal in (("save", post_save), ("delete", post_delete), ("import", rows_written)):
                signal.connect(forget_year_ends, sender=model, dispatch_uid=f"plan-year-ends-{name}-{label}")
