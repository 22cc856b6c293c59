from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kechuang.core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Replace the database's contents with a backup made by `kechuang backup` (migrated when it is older). "
            "Goes only into an empty database (migrated, no user, no audit entry) unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="do not ask for confirmation")
        parser.add_argument("--force", action="store_true",
                            help="overwrite a database that already has users or audit entries")

    def handle(self, *args, file, interactive, force, **options):
        target = connection.settings_dict["NAME"]
        if interactive:
            answer = input(f"用 {file} 替换数据库 {target} 的全部内容？输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，数据库未改动")
        try:
            restore(file, overwrite=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{file} → {connection.vendor} {target}; 数据库结构与当前版本一致。请运行 kechuang audit verify 核对审计链。")
