import datetime as dt
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from kechuang.core import formatting
from kechuang.core.exports import dated_filename, start_export, write_job, xlsx_response
from kechuang.core.models import ExportJob, Notification
from kechuang.core.notifications import mark_read
from kechuang.core.permissions import is_signed_in
from kechuang.core.tables import NOWRAP_KINDS, Column

EXPORT_ROW_LIMIT = 200_000
EXPORT_CHUNK = 2000


class PredicateRequiredMixin(AccessMixin):
    """The one page-access rule: a page opens for the users its `predicate` (from an app's
    `permissions.py`) admits; the default admits any signed-in user, `anyone` makes a public page.
    A refused visitor who is not signed in goes to the login page; a signed-in one gets 403. The
    navigation asks the same `predicate` (`kechuang.core.navigation`), so a menu item shows exactly
    when its page would open."""

    predicate = staticmethod(is_signed_in)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A predicate is a plain function of the user; keep it from binding as a method.
        if callable(cls.__dict__.get("predicate")) and not isinstance(cls.__dict__["predicate"], staticmethod):
            cls.predicate = staticmethod(cls.__dict__["predicate"])

    @classmethod
    def page_predicate(cls):
        return cls.predicate

    @classmethod
    def admits(cls, user) -> bool:
        return bool(cls.page_predicate()(user))

    def dispatch(self, request, *args, **kwargs):
        if not self.admits(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


def predicate_required(predicate=is_signed_in):
    """`PredicateRequiredMixin` for a function view: `@predicate_required(can_…)`."""

    def decorator(view):
        @wraps(view)
        def page(request, *args, **kwargs):
            if not predicate(request.user):
                if request.user.is_authenticated:
                    raise PermissionDenied
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        page.admits = lambda user: bool(predicate(user))
        return page

    return decorator


class ObjectListView(PredicateRequiredMixin, ListView):
    """A list page: the user's visible rows, narrowed by a django-filter FilterSet, shown as `columns`,
    and exported to .xlsx with the same filters when `?export=xlsx` is asked for.

    Subclasses set `model`, `filterset_class`, `columns` and `title`; `base_queryset()` may be
    overridden, and defaults to `model.objects.visible_to(user)`. The page opens for the users its
    `predicate` admits; without one, for those the model's row scope gives any row (`Scope.reaches`)."""

    predicate = None

    filterset_class = None
    columns: list[Column] = []
    title = ""
    intro = ""
    # The id of a form on the page that a checkbox per row submits `ids` to (bulk actions), if any.
    select_form = None
    export_name = "export"
    paginate_by = 50
    template_name = "core/object_list.html"

    @classmethod
    def page_predicate(cls):
        return cls.predicate or (lambda user: is_signed_in(user) and cls.model.row_scope.reaches(user))

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_queryset(self):
        queryset = self.base_queryset()
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else queryset

    def row_url(self, obj) -> str | None:
        """Where a row's first cell links to."""
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None

    def row_key(self, obj):
        """What a row's checkbox selects."""
        return obj.pk

    def prepare_rows(self, rows: list) -> list:
        """The rows about to be shown or exported, a page or a chunk at a time: a list whose cells need
        more than the row itself completes them here, in bulk."""
        return rows

    def _export_rows(self, queryset):
        """The rows in the list's order, read a chunk at a time by key, each chunk's statement finished
        before its rows are written. On SQLite a statement left open (a streaming iterator) holds a read
        snapshot, and the background job's progress update from that snapshot fails at once ("database
        is locked") when another request has written meanwhile, such as the progress page the user is
        watching; a whole chunk at a time also leaves memory bounded."""
        keys = list(queryset.values_list("pk", flat=True)[:EXPORT_ROW_LIMIT])
        for start in range(0, len(keys), EXPORT_CHUNK):
            wanted = keys[start:start + EXPORT_CHUNK]
            found = {obj.pk: obj for obj in queryset.filter(pk__in=wanted)}
            yield from self.prepare_rows([found[key] for key in wanted if key in found])

    def export_as_of(self):
        """The date the export's figures are as of (its `?as_of=`), or None for "as exported today"."""
        try:
            return dt.date.fromisoformat(self.request.GET.get("as_of", ""))
        except ValueError:
            return None

    def filter_notes(self) -> list[str]:
        """The filters applied, as the export's sub-title says them: "行业：软件和信息技术服务业"."""
        filterset = self.filterset
        if filterset is None or not filterset.is_bound or not filterset.is_valid():
            return []
        notes = []
        for name, field in filterset.form.fields.items():
            value = filterset.form.cleaned_data.get(name)
            if value in (None, "", [], ()) or (hasattr(value, "exists") and not value.exists()):
                continue
            choices = dict(getattr(field, "choices", ()) or ())
            values = value if isinstance(value, (list, tuple)) or hasattr(value, "exists") else [value]
            shown = "、".join(
                formatting.date(v) if isinstance(v, dt.date) else (
                    (_("Yes") if v else _("No")) if isinstance(v, bool) else str(choices.get(v, v)))
                for v in values)
            notes.append(f"{field.label or name}：{shown}")
        return notes

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            queryset = self.get_queryset()
            as_of = self.export_as_of()
            title = str(self.title) or self.export_name
            filename = dated_filename(title, as_of)
            rows = ([column.value(obj) for column in self.columns] for obj in self._export_rows(queryset))
            report = {"caption": title, "as_of": as_of, "filters": self.filter_notes()}
            job = getattr(request, "export_job", None)
            if job is not None:
                write_job(job, self.columns, rows, title, **report)
                return HttpResponse(status=204)
            total = min(queryset.count(), EXPORT_ROW_LIMIT)
            if total > settings.EXPORT_SYNC_ROWS:
                return redirect("core:export", start_export(request, filename, total).pk)
            return xlsx_response(filename, self.columns, rows, title, **report)
        return super().get(request, *args, **kwargs)

    def _row(self, obj) -> dict:
        values = [column.value(obj) for column in self.columns]
        return {
            "key": self.row_key(obj),
            "url": self.row_url(obj),
            "cells": list(zip(self.columns, values)),
            # What the list page shows: each figure formatted by its column's kind, with its own link.
            "shown": [
                {"column": column, "text": column.display(value), "url": column.url(obj),
                 "nowrap": column.nowrap or column.kind_of([value]) in NOWRAP_KINDS,
                 # A figure column's text (a score range in words) is text: it wraps and aligns left.
                 "numeric": column.is_numeric and not isinstance(value, str)}
                for column, value in zip(self.columns, values)
            ],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(
            title=self.title,
            columns=self.columns,
            rows=[self._row(obj) for obj in self.prepare_rows(list(context["object_list"]))],
            intro=self.intro,
            select_form=self.select_form,
            filterset=self.filterset,
            querystring=query.urlencode(),
            export_label=_("Export to Excel"),
        )
        return context


def csrf_failure(request, reason=""):
    """The page a refused form submission gets (an expired page or a blocked cookie, most often)."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


class NotificationsView(PredicateRequiredMixin, View):
    """The user's own notices, newest first; posting marks them all read."""

    def get(self, request):
        notes = Notification.objects.visible_to(request.user)[:200]
        return render(request, "core/notifications.html", {"notes": notes})

    def post(self, request):
        mark_read(request.user)
        return redirect("core:notifications")


@login_required
def export_job(request, pk):
    """A background export's progress (the page reloads itself until the file is ready) and its file."""
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    if request.GET.get("download"):
        if job.state != ExportJob.State.DONE:
            raise Http404
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
    return render(request, "core/export_job.html", {"job": job, "waiting": job.state in (ExportJob.State.PENDING, ExportJob.State.RUNNING)})
