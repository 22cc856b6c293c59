"""kechuang import KIND FILE [--dry-run] [--errors-xlsx PATH]: all or nothing, every bad row named."""
import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kechuang.core.audit import acting_as
from kechuang.core.imports import FileRejected, ImportFailed, error_workbook, importer_for, importers, read_table

REJECTED = 2


class Command(BaseCommand):
    help = "Import a .xlsx or .csv file into the registry (or any app's importer); nothing is written if a row is bad."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importers()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row and count, write nothing")
        parser.add_argument("--errors-xlsx", type=Path, help="on rejection, write the rows with an 错误 column here")

    def handle(self, kind, file, dry_run, errors_xlsx, **options):
        try:
            table = read_table(file.read_bytes(), file.name)
        except FileRejected as exc:
            raise CommandError(f"[{file.name}] {exc.reason}", returncode=REJECTED) from None
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror}", returncode=REJECTED) from None
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=None
        ) as bar:
            tasks = {}

            def progress(stage, done, total):
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done)

            importer = importer_for(kind)(progress=progress)
            try:
                with acting_as(f"import:{getpass.getuser()}"):
                    result = importer.run(table, dry_run=dry_run)
            except ImportFailed as failed:
                result = failed.check
        for warning in result.warnings:
            self.stderr.write(warning)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if errors_xlsx:
                errors_xlsx.write_bytes(error_workbook(result))
                self.stderr.write(f"错误报告已写入 {errors_xlsx}")
            raise CommandError(f"导入被拒绝：{len(result.problems)} 处错误，未写入任何数据", returncode=REJECTED)
        counts = result.counts
        verb = "检查通过（未写入）" if dry_run else "导入完成"
        self.stdout.write(f"{verb}：新增 {counts.created}，更新 {counts.updated}，未变 {counts.unchanged}")
