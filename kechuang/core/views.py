from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from kechuang.core.exports import xlsx_response
from kechuang.core.permissions import is_signed_in
from kechuang.core.tables import Column

EXPORT_ROW_LIMIT = 200_000


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
