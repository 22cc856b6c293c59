"""The upload rules: an allow-list checked by extension and by content, and a size limit."""
import io
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core.exports import workbook_bytes
from kechuang.core.uploads import validate_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def word_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("佐证材料")
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<html><script>alert(1)</script></html>")
    return buffer.getvalue()


@pytest.mark.parametrize("name, content", [
    ("会议纪要.pdf", b"%PDF-1.7\n..."),
    ("现场照片.PNG", PNG),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
    ("总结.docx", word_bytes()),
    ("名单.xlsx", workbook_bytes([("名单", ["姓名"], [["张三"]])])),
    ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16),
])
def test_genuine_files_of_allowed_kinds_are_accepted(name, content):
    validate_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize("name, content, reason", [
    ("evil.html", b"<script>alert(1)</script>", "类型 .html 不允许上传"),
    ("evil.svg", b"<svg onload=alert(1)>", "类型 .svg 不允许上传"),
    ("README", b"text", "（无扩展名）"),
    ("evil.pdf", b"<script>alert(1)</script>", "内容不是 PDF 文件"),
    ("evil.png", b"GIF89a...", "内容不是 PNG 文件"),
    ("evil.docx", zip_bytes("index.html"), "内容不是 Word 文件"),
    ("evil.xlsx", b"PK", "内容不是 Excel 文件"),
])
def test_other_kinds_and_files_that_are_not_what_their_name_says_are_refused(name, content, reason):
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, content))
    assert reason in refused.value.messages[0]
    assert name in refused.value.messages[0]


def test_a_file_over_the_limit_is_refused(settings):
    settings.KECHUANG_UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError, match="超过上限 1 MB"):
        validate_upload(SimpleUploadedFile("大文件.pdf", b"%PDF-" + b"0" * (1024 * 1024)))
