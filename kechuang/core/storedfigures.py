"""District-wide figures that take a scan of every enterprise to compute, stored once computed.

A page that shows how many candidates wait in each tier, or how many alerts of each kind there are,
would otherwise count hundreds of thousands of rows on every view (over a second at 100,000 enterprises).
Such a figure is declared with the tables it reads:

    @stored_figure("cultivation.waiting", reads=(ScreeningResult, Certificate, Enrollment, Enterprise))
    def waiting(run_id: int) -> dict: ...

and calling it returns the value stored for its arguments, as long as none of those tables has been
written since it was computed; otherwise it computes, stores and returns it. "Written" is what the
audit trail sees: every model save and delete, bulk write and import appends audit entries through
`kechuang.core.audit.append`, which bumps the written tables' versions in the same transaction. A value
is stored with the versions read *before* computing, so a value computed while a write was committing
carries the older versions and is recomputed on the next view, never shown as current.

Values are JSON (numbers, strings, lists, dicts), and arguments become the key through `str()`.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kechuang.core.audit import object_type_of


def current_versions(object_types: tuple[str, ...]) -> str:
    from kechuang.core.models import TableVersion

    found = dict(TableVersion.objects.filter(object_type__in=object_types).values_list("object_type", "version"))
    return ",".join(f"{object_type}:{found.get(object_type, 0)}" for object_type in object_types)


def stored_figure(name: str, *, reads: Iterable) -> Callable:
    """Decorate a function of arguments returning JSON: its value is stored per arguments and recomputed
    only after an audited write to one of the `reads` models (classes, or "app_label.Model" labels for
    models of apps the caller does not import)."""
    object_types = tuple(sorted(model.lower() if isinstance(model, str) else object_type_of(model) for model in reads))

    def decorator(compute: Callable) -> Callable:
        @functools.wraps(compute)
        def figure(*args):
            from kechuang.core.models import StoredFigure

            key = "|".join(str(arg) for arg in args)
            versions = current_versions(object_types)
            stored = StoredFigure.objects.filter(name=name, key=key, versions=versions).values_list("value", flat=True).first()
            if stored is not None:
                return stored
            value = compute(*args)
            try:
                with transaction.atomic():
                    # Values of older versions can never be served again, whatever their key.
                    StoredFigure.objects.filter(name=name).filter(Q(key=key) | ~Q(versions=versions)).delete()
                    StoredFigure.objects.create(name=name, key=key, versions=versions, value=value, computed_at=timezone.now())
            except IntegrityError:  # another request stored it meanwhile: its value is as good as ours
                pass
            return value

        figure.object_types = object_types
        figure.compute = compute
        return figure

    return decorator
