from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from kechuang.core.exports import xlsx_response
from kechuang.core.tables import Column

EXPORT_ROW_LIMIT = 200_000


class ObjectListView(LoginRequiredMixin, ListView):
    """A list page: the user's visible rows, narrowed by a django-filter FilterSet, shown as `columns`,
    and exported to .xlsx with the same filters when `?export=xlsx` is asked for.

    Subclasses set `model`, `filterset_class`, `columns` and `title`; `base_queryset()` may be
    overridden, and defaults to `model.objects.visible_to(user)`."""

    filterset_class = None
    columns: list[Column] = []
    title = ""
    intro = ""
    # The id of a form on the page that a checkbox per row submits `ids` to (bulk actions), if any.
    select_form = None
    export_name = "export"
    paginate_by = 50
    template_name = "core/object_list.html"

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

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            queryset = self.get_queryset()[:EXPORT_ROW_LIMIT]
            rows = ([column.value(obj) for column in self.columns] for obj in queryset.iterator(chunk_size=2000))
            return xlsx_response(f"{self.export_name}.xlsx", [str(c.header) for c in self.columns], rows, str(self.title))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(
            title=self.title,
            columns=self.columns,
            rows=[
                {
                    "key": self.row_key(obj),
                    "url": self.row_url(obj),
                    "cells": [(column, column.value(obj)) for column in self.columns],
                }
                for obj in context["object_list"]
            ],
            intro=self.intro,
            select_form=self.select_form,
            filterset=self.filterset,
            querystring=query.urlencode(),
            export_label=_("Export to Excel"),
        )
        return context


def csrf_failure(request, reason=""):
    """The page a refused form submission gets (an expired page or a blocked cookie, most often)."""
    from django.shortcuts import render

    return render(request, "403_csrf.html", {"reason": reason}, status=403)
