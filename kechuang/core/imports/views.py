"""The upload page (officers only): choose what to import and a file → preview → confirm.

The uploaded file waits between preview and confirm in MEDIA_ROOT/imports/ under a random name that
only the uploading session knows, encrypted (Fernet) under a key that only that session holds: a file
may carry identity numbers and phones (the talent import), and a copy of the folder, a backup or a
disk left behind must not give them away. The file is parsed and checked once, on the first preview: what the
preview shows (and the error workbook, if any row is bad) is stored next to it, so reloading the
preview reads that instead of parsing the file again. Confirming checks every row again (the registry
may have changed since) and writes all or nothing.
"""
import json
import secrets
import time
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from kechuang.core.exports import XLSX_CONTENT_TYPE
from kechuang.core.imports import (
    FileRejected,
    ImportFailed,
    can_import,
    error_workbook,
    importer_for,
    importers,
    read_table,
    size_problem,
    template_workbook,
)
from kechuang.core.views import PredicateRequiredMixin

SESSION_KEY = "kechuang_imports"
KEEP_PER_SESSION = 5
STALE_SECONDS = 24 * 3600
PREVIEW_ROWS = 10
PROBLEMS_SHOWN = 500
SUMMARY_SUFFIX, ERRORS_SUFFIX = ".preview.json", ".errors.xlsx"
STORED_SUFFIXES = (".upload", SUMMARY_SUFFIX, ERRORS_SUFFIX)


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, importer.title) for kind, importer in importers().items()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        problem = size_problem(upload.size)
        if problem:
            raise forms.ValidationError(problem)
        return upload


class Uploads:
    """The uploads a session may preview and confirm: {token: {kind, filename, at, key}} in the session,
    the bytes in MEDIA_ROOT/imports/<token>.upload, and the preview's summary and error workbook beside
    them, each encrypted under the upload's own key."""

    def __init__(self, request):
        self.session = request.session

    def _all(self) -> dict:
        return self.session.get(SESSION_KEY, {})

    def path(self, token: str, suffix: str = ".upload") -> Path:
        return upload_dir() / f"{token}{suffix}"

    def _unlink(self, token: str) -> None:
        for suffix in STORED_SUFFIXES:
            self.path(token, suffix).unlink(missing_ok=True)

    def _cipher(self, token: str) -> Fernet:
        return Fernet(self._all()[token]["key"].encode())

    def _write(self, token: str, suffix: str, data: bytes) -> None:
        self.path(token, suffix).write_bytes(self._cipher(token).encrypt(data))

    def read(self, token: str, suffix: str = ".upload") -> bytes | None:
        """The stored bytes, decrypted; None when there are none (or they are not this session's)."""
        try:
            return self._cipher(token).decrypt(self.path(token, suffix).read_bytes())
        except (FileNotFoundError, InvalidToken, KeyError):
            return None

    def add(self, kind: str, upload) -> str:
        token = secrets.token_urlsafe(24)
        upload_dir().mkdir(parents=True, exist_ok=True)
        kept = dict(sorted(self._all().items(), key=lambda item: item[1]["at"])[-(KEEP_PER_SESSION - 1) :])
        for old in set(self._all()) - set(kept):
            self._unlink(old)
        kept[token] = {"kind": kind, "filename": upload.name, "at": time.time(), "key": Fernet.generate_key().decode()}
        self.session[SESSION_KEY] = kept
        self._write(token, ".upload", b"".join(upload.chunks()))
        self._sweep_stale()
        return token

    def get(self, token: str) -> dict | None:
        entry = self._all().get(token)
        if entry is None or "key" not in entry or not self.path(token).exists():
            return None
        return entry

    def remove(self, token: str) -> None:
        kept = self._all()
        kept.pop(token, None)
        self.session[SESSION_KEY] = kept
        self._unlink(token)

    def checked(self, token: str, check_file) -> dict:
        """What the preview shows for this upload: computed by `check_file(data)` → (summary, error
        workbook or None) the first time, read back from the stored summary afterwards."""
        stored = self.read(token, SUMMARY_SUFFIX)
        if stored is not None:
            return json.loads(stored.decode("utf-8"))
        summary, errors = check_file(self.read(token))
        if errors is not None:
            self._write(token, ERRORS_SUFFIX, errors)
        self._write(token, SUMMARY_SUFFIX, json.dumps(summary, ensure_ascii=False).encode("utf-8"))
        return summary

    def forget_check(self, token: str) -> None:
        for suffix in (SUMMARY_SUFFIX, ERRORS_SUFFIX):
            self.path(token, suffix).unlink(missing_ok=True)

    @staticmethod
    def _sweep_stale() -> None:
        """Files of sessions that never confirmed are dropped after a day."""
        cutoff = time.time() - STALE_SECONDS
        for stale in upload_dir().iterdir():
            if stale.suffix in STORED_SUFFIXES and stale.stat().st_mtime < cutoff:
                stale.unlink(missing_ok=True)


class ImportUploadView(PredicateRequiredMixin, View):
    predicate = can_import
    template_name = "core/import_upload.html"

    def get(self, request):
        return self._render(ImportForm())

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form)
        token = Uploads(request).add(form.cleaned_data["kind"], form.cleaned_data["file"])
        return redirect("core:import-preview", token=token)

    def _render(self, form):
        kinds = [(kind, importer.title) for kind, importer in importers().items()]
        return render(self.request, self.template_name, {"form": form, "kinds": kinds})


def _display(value):
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    return "" if value is None else str(value)


class UploadMixin(PredicateRequiredMixin):
    """Finds the session's upload named by the URL's token, after the officer check."""

    predicate = can_import

    def dispatch(self, request, *args, **kwargs):
        if not self.admits(request.user):
            return self.handle_no_permission()
        self.uploads = Uploads(request)
        self.upload = self.uploads.get(kwargs["token"])
        if self.upload is None:
            messages.warning(request, gettext("This upload has already been imported or has expired; please upload the file again."))
            return redirect("core:import")
        return View.dispatch(self, request, *args, **kwargs)

    def importer(self):
        return importer_for(self.upload["kind"])()


class ImportPreviewView(UploadMixin, View):
    template_name = "core/import_preview.html"

    def get(self, request, token):
        context = {"upload": self.upload, "token": token, "title": importer_for(self.upload["kind"]).title}
        return render(request, self.template_name, {**context, **self.uploads.checked(token, self._summarise)})

    def _summarise(self, data: bytes) -> tuple[dict, bytes | None]:
        """Parse and check the file once; what the preview shows, and the error workbook."""
        try:
            table = read_table(data, self.upload["filename"])
        except FileRejected as exc:
            return {"file_problem": exc.reason}, None
        check = self.importer().check(table)
        counts = check.counts
        summary = {
            "ok": check.ok,
            "problem_count": len(check.problems),
            "problems": [[p.row, p.column, p.reason] for p in check.problems[:PROBLEMS_SHOWN]],
            "warnings": check.warnings,
            "counts": {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged} if counts else None,
            "headers": table.headers,
            "rows": [[number, [_display(value) for value in raw]] for number, raw in self._preview_rows(table, check)],
            "row_count": len(table.rows),
        }
        return summary, None if check.ok else error_workbook(check)

    @staticmethod
    def _preview_rows(table, check):
        """The first rows of the file; when there are problems, the first rows that have one."""
        bad = {problem.row for problem in check.problems}
        if bad:
            return [(number, raw) for number, raw in table.rows if number in bad][:PREVIEW_ROWS]
        return table.rows[:PREVIEW_ROWS]

    def post(self, request, token):
        """Confirm: check every row again (the registry may have changed since the preview) and write."""
        try:
            result = self.importer().run(read_table(self.uploads.read(token), self.upload["filename"]))
        except (FileRejected, ImportFailed):
            self.uploads.forget_check(token)  # the preview checks the file again against today's registry
            messages.error(request, gettext("The file no longer passes the checks; see the errors below."))
            return redirect("core:import-preview", token=token)
        except IntegrityError:
            self.uploads.forget_check(token)
            messages.error(request, gettext("Another import wrote the same records at the same time; please check the preview again."))
            return redirect("core:import-preview", token=token)
        self.uploads.remove(token)
        counts = result.counts
        messages.success(
            request,
            gettext("Imported %(filename)s: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
            % {"filename": self.upload["filename"], "created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged},
        )
        return redirect("core:import")


class ImportErrorsView(UploadMixin, View):
    def get(self, request, token):
        errors = self.uploads.read(token, ERRORS_SUFFIX)
        if errors is None:  # not previewed yet, or every row passed
            return redirect("core:import-preview", token=token)
        return _xlsx(errors, f"{Path(self.upload['filename']).stem}-错误.xlsx")


class ImportTemplateView(PredicateRequiredMixin, View):
    predicate = can_import

    def get(self, request, kind):
        try:
            importer = importer_for(kind)
        except KeyError:
            return redirect("core:import")
        return _xlsx(template_workbook(importer), f"{importer.title}导入模板.xlsx")
