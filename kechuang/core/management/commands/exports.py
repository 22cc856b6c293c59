from django.core.management.base import BaseCommand

from kechuang.core.exports import claim, run_export


class Command(BaseCommand):
    help = "Write waiting background exports: `exports run` takes every waiting job (or --job ID) and writes its file."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run"])
        parser.add_argument("--job", type=int, help="only this job")

    def handle(self, *args, action, job, **options):
        done = 0
        while (claimed := claim(job)) is not None:
            run_export(claimed)
            claimed.refresh_from_db()
            self.stdout.write(f"{claimed.filename}: {claimed.get_state_display()} ({claimed.rows_done} rows)")
            done += 1
            if job is not None:
                break
        if not done:
            self.stdout.write("No export waiting")
