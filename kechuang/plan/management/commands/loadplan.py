from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.plan.importers import PlanRejected, load_file
from kechuang.plan.models import Plan


class Command(BaseCommand):
    help = "Load a plan from YAML, or its annexes (年度分解表, 部门及任务分工表) from an .xlsx into --plan. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", help="the plan an annex workbook belongs to")

    def handle(self, *args, file, plan, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        target = None
        if plan:
            target = Plan.objects.filter(code=plan).first()
            if target is None:
                raise CommandError(f"没有代码为「{plan}」的计划")
        try:
            loaded = load_file(path, target)
        except PlanRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(rejected.problems)} 处错误，未载入任何内容") from None
        self.stdout.write(
            f"已载入 {loaded.code}：{loaded.indicators.count()} 项指标，{loaded.tasks.count()} 项任务，"
            f"{loaded.tasks.assigned().count()} 项已分工"
        )
