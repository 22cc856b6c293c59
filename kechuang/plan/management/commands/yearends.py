from django.core.management.base import BaseCommand, CommandError

from kechuang.plan.evaluation import recompute_year_ends
from kechuang.plan.models import Plan


class Command(BaseCommand):
    help = "Measure again and store every past year-end value of the plans' indicators (run nightly, or after a bulk import)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="plan code (default: every plan)")

    def handle(self, *args, plan, **options):
        plans = Plan.objects.all() if plan is None else Plan.objects.filter(code=plan)
        if plan is not None and not plans.exists():
            raise CommandError(f"没有代码为「{plan}」的计划")
        count = recompute_year_ends(plans)
        self.stdout.write(f"{count} year-end values stored")
