"""Every string the product puts on screen through gettext has its 简体中文: the product's own msgids
are extracted as `makemessages` would (code and templates of every app) and each must translate."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

import kechuang

PACKAGE = Path(kechuang.__file__).resolve().parent
ENTRY = re.compile(r'(?:msgctxt "((?:[^"\\]|\\.)*)"\n)?msgid "((?:[^"\\]|\\.)*)"\n')
LATIN_WORD = re.compile("[A-Za-z]{2,}")
HAN = re.compile("[\u4e00-\u9fff]")


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def product_msgids(folder: Path) -> list[tuple[str, str]]:
    copy = folder / "kechuang"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns(
        "static", "locale", "locale_vendor", "tests", "migrations", "__pycache__", "*.pyc", "*.mo", "*.po"))
    (copy / "locale").mkdir()
    django_admin = Path(shutil.which("django-admin") or Path(__import__("sys").executable).with_name("django-admin"))
    subprocess.run([str(django_admin), "makemessages", "-l", "xx", "--no-wrap", "--no-location"], cwd=copy, check=True,
                   capture_output=True)
    catalogue = (copy / "locale" / "xx" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return [(_unescape(context), _unescape(msgid)) for context, msgid in ENTRY.findall(catalogue) if msgid]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext (xgettext) is not installed")
def test_every_screen_string_has_its_chinese(tmp_path):
    untranslated = []
    with translation.override("zh-hans"):
        for context, msgid in product_msgids(tmp_path):
            if not LATIN_WORD.search(msgid) or HAN.search(msgid):
                continue  # a Chinese literal or a bare symbol needs no translation
            shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if shown == msgid:
                untranslated.append(msgid)
    assert untranslated == [], f"{len(untranslated)} strings without 简体中文: {untranslated[:40]}"
