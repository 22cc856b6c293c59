"""The `kechuang` console script: the project's manage.py."""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([os.path.basename(sys.argv[0]) or "kechuang", *sys.argv[1:]])


if __name__ == "__main__":
    main()
