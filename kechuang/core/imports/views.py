"""The upload page (officers only): choose what to import and a file → preview → confirm.

The uploaded file waits between preview and confirm in MEDIA_ROOT/imports/ under a random name that
only the uploading session knows. The file is parsed and checked once, on the first preview: what the
preview shows (and the error workbook, if any row is bad) is stored next to it, so reloading the
preview reads that instead of parsing the file again. Confirming checks every row again (the registry
may have changed since) and writes all or nothing.
"""
import json
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
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


class OfficerOnly(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return can_import(self.request.user)


class Uploads:
    """The uploads a session may preview and confirm: {token: {kind, filename, at}} in the session,
    the bytes in MEDIA_ROOT/imports/<token>.upload."""

    def __init__(self, request):
        self.session = request.session

    def _all(self) -> dict:
        return self.session.get(SESSION_KEY, {})

    def path(self, token: str, suffix: str = ".upload") -> Path:
        return upload_dir() / f"{token}{suffix}"

    def _unlink(self, token: str) -> None:
        for suffix in STORED_SUFFIXES:
            self.path(token, suffix).unlink(missing_ok=True)

    def add(self, kind: str, upload) -> str:
        token = secrets.token_urlsafe(24)
        upload_dir().mkdir(parents=True, exist_ok=True)
        with self.path(token).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        kept = dict(sorted(self._all().items(), key=lambda item: item[1]["at"])[-(KEEP_PER_SESSION - 1) :])
        for old in set(self._all()) - set(kept):
            self._unlink(old)
        kept[token] = {"kind": kind, "filename": upload.name, "at": time.time()}
        self.session[SESSION_KEY] = kept
        self._sweep_stale()
        return token

    def get(self, token: str) -> dict | None:
        entry = self._all().get(token)
        if entry is None or not self.path(token).exists():
            return None
        return entry

    def data(self, token: str) -> bytes:
        return self.path(token).read_bytes()

    def remove(self, token: str) -> None:
        kept = self._all()
        kept.pop(token, None)
        self.session[SESSION_KEY] = kept
        self._unlink(token)

    def checked(self, token: str, check_file) -> dict:
        """What the preview shows for this upload: computed by `check_file(path)` the first time (which
        may also store the error workbook), read back from the stored summary afterwards."""
        stored = self.path(token, SUMMARY_SUFFIX)
        if stored.exists():
            return json.loads(stored.read_text(encoding="utf-8"))
        summary = check_file(self.path(token), self.path(token, ERRORS_SUFFIX))
        stored.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
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


class ImportUploadView(OfficerOnly, View):
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


class UploadMixin(OfficerOnly):
    """Finds the session's upload named by the URL's token, after the officer check."""

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and self.test_func()):
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

    def _summarise(self, path: Path, errors_path: Path) -> dict:
        """Parse and check the file once; keep what the preview shows, and the error workbook."""
        try:
            table = read_table(path.read_bytes(), self.upload["filename"])
        except FileRejected as exc:
            return {"file_problem": exc.reason}
        check = self.importer().check(table)
        if not check.ok:
            errors_path.write_bytes(error_workbook(check))
        counts = check.counts
        return {
            "ok": check.ok,
            "problem_count": len(check.problems),
            "problems": [[p.row, p.column, p.reason] for p in check.problems[:PROBLEMS_SHOWN]],
            "warnings": check.warnings,
            "counts": {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged} if counts else None,
            "headers": table.headers,
            "rows": [[number, [_display(value) for value in raw]] for number, raw in self._preview_rows(table, check)],
            "row_count": len(table.rows),
        }

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
            result = self.importer().run(read_table(self.uploads.data(token), self.upload["filename"]))
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
        stored = self.uploads.path(token, ERRORS_SUFFIX)
        if not stored.exists():  # not previewed yet, or every row passed
            return redirect("core:import-preview", token=token)
        return _xlsx(stored.read_bytes(), f"{Path(self.upload['filename']).stem}-错误.xlsx")


class ImportTemplateView(OfficerOnly, View):
    def get(self, request, kind):
        try:
            importer = importer_for(kind)
        except KeyError:
            return redirect("core:import")
        return _xlsx(template_workbook(importer), f"{importer.title}导入模板.xlsx")
