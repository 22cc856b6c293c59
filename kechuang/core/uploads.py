"""Files users attach (evidence, supporting documents): which kinds are accepted, how large, and how they
are handed back.

A file is accepted only when its extension is on the allow-list AND its first bytes are what that kind
of file starts with, so `evil.html` renamed `evil.pdf` is refused as firmly as `evil.html`. Files are
stored under MEDIA_ROOT (the data directory's `media/`, never under the static root) and MEDIA_URL is
not served: a file leaves only through a view that has checked the user may see the record it belongs
to, as an attachment that the browser must not sniff or render."""
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file header of .doc / .xls / .ppt / WPS files
ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    signatures: tuple[bytes, ...]
    # For zip-based formats (OOXML, OFD): a member every genuine file of the kind has.
    zip_member: str = ""


KINDS = {
    ".pdf": FileKind("PDF", "application/pdf", (b"%PDF-",)),
    ".ofd": FileKind("OFD", "application/ofd", (ZIP,), "OFD.xml"),
    ".png": FileKind("PNG", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": FileKind("JPEG", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileKind("JPEG", "image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": FileKind("GIF", "image/gif", (b"GIF87a", b"GIF89a")),
    ".doc": FileKind("Word", "application/msword", (OLE2,)),
    ".xls": FileKind("Excel", "application/vnd.ms-excel", (OLE2,)),
    ".ppt": FileKind("PowerPoint", "application/vnd.ms-powerpoint", (OLE2,)),
    ".wps": FileKind("WPS", "application/vnd.ms-works", (OLE2,)),
    ".et": FileKind("WPS", "application/vnd.ms-excel", (OLE2,)),
    ".docx": FileKind(
        "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,), "word/document.xml"
    ),
    ".xlsx": FileKind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,), "xl/workbook.xml"),
    ".pptx": FileKind(
        "PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (ZIP,), "ppt/presentation.xml"
    ),
}
ALLOWED_DESCRIPTION = "PDF、OFD、图片（PNG、JPEG、GIF）、Word、Excel、PowerPoint、WPS"


def kind_of(name: str) -> FileKind | None:
    return KINDS.get(PurePath(name).suffix.lower())


def _has_member(upload, member: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def validate_upload(upload) -> None:
    """Refuses a file that is not on the allow-list, not what its name says, or too large."""
    name = PurePath(upload.name or "").name
    kind = kind_of(name)
    if kind is None:
        suffix = PurePath(name).suffix or "（无扩展名）"
        raise ValidationError(
            f"文件 {name}：类型 {suffix} 不允许上传，只接受 {ALLOWED_DESCRIPTION}", code="file_type"
        )
    limit = settings.KECHUANG_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"文件 {name}：大小 {upload.size / 1024 / 1024:.1f} MB，超过上限 {limit / 1024 / 1024:.0f} MB", code="file_size"
        )
    upload.seek(0)
    head = upload.read(16)
    genuine = head.startswith(kind.signatures) and (not kind.zip_member or _has_member(upload, kind.zip_member))
    upload.seek(0)
    if not genuine:
        raise ValidationError(f"文件 {name}：内容不是 {kind.label} 文件，与扩展名不符", code="file_content")


class UploadField(forms.FileField):
    """A form's file input that applies the upload rules."""

    default_validators = [validate_upload]

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("PDF, OFD, images or Office files"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(KINDS))


def attachment_response(field_file, download_name: str) -> FileResponse:
    """A stored file as a download: never rendered in the browser, never sniffed, never cached."""
    kind = kind_of(field_file.name)
    content_type = kind.content_type if kind else "application/octet-stream"
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=download_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
