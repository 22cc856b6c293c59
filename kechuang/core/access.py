"""Who sees which rows, declared once per model (the habit of NetBox's `RestrictedQuerySet`).

A model states its row scope and takes its manager from `ScopedQuerySet`:

    class Demand(models.Model):
        objects = DemandQuerySet.as_manager()          # DemandQuerySet(ScopedQuerySet)
        row_scope = Scope({
            Role.ENTERPRISE: "enterprise__members",     # a path from the row to the user
            Role.INSTITUTION: IN_POOL,                  # or a condition on the row
        })

`Demand.objects.visible_to(user)` then reads the declaration: every row for the users `everything`
admits (officers, leaders and superusers unless the model says otherwise); for any other signed-in
user, the rows that one of the conditions listed for their role, for `ANY_ROLE` or for `EVERYONE`
admits; for a visitor who is not signed in, those of `EVERYONE` (usually none). A condition is

- a lookup path from the row to a user (`"enterprise__members"`): rows the path leads to the user;
- `InDepartment(path, …)`: rows whose path leads to the user's department (liaisons report for one);
- a `Q`: rows it admits, whoever asks (published records, a public result).

Pages, exports, the REST API and the back office all call `visible_to`, so a model declared here is
scoped everywhere; a model whose manager is scoped but which declares nothing stops start-up.
"""
import operator
from dataclasses import dataclass
from functools import reduce

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q

from kechuang.core.choices import Role
from kechuang.core.permissions import is_signed_in, sees_everything

# Keys of `Scope.reach`: conditions for every signed-in role, and for every visitor, signed in or not.
ANY_ROLE = "*"
EVERYONE = "**"


@dataclass(frozen=True)
class InDepartment:
    """Rows whose lookup paths lead to the department the user belongs to."""

    paths: tuple[str, ...]

    def __init__(self, *paths: str):
        object.__setattr__(self, "paths", paths)


def _condition_q(condition, user) -> Q | None:
    if isinstance(condition, Q):
        return condition
    if isinstance(condition, InDepartment):
        if not user.department_id:
            return None
        return reduce(operator.or_, (Q(**{path: user.department_id}) for path in condition.paths))
    return Q(**{condition: user})


def _paths(condition) -> tuple[str, ...]:
    if isinstance(condition, InDepartment):
        return condition.paths
    return () if isinstance(condition, Q) else (condition,)


def _many_valued_hops(model, path: str) -> list[bool]:
    """For each relation along `path`, whether it may join several rows to one."""
    hops = []
    for name in path.split("__"):
        field = model._meta.get_field(name)
        hops.append(bool(field.many_to_many or field.one_to_many))
        model = field.related_model
    return hops


class Scope:
    """A model's row scope: who sees every row, and which rows each confined role sees."""

    def __init__(self, reach: dict | None = None, *, everything=sees_everything):
        self.everything = everything
        self.reach = {
            role: tuple(conditions) if isinstance(conditions, (tuple, list)) else (conditions,)
            for role, conditions in (reach or {}).items()
        }

    def conditions_for(self, user) -> tuple:
        if not is_signed_in(user):
            return self.reach.get(EVERYONE, ())
        return (*self.reach.get(EVERYONE, ()), *self.reach.get(ANY_ROLE, ()), *self.reach.get(user.role, ()))

    def reaches(self, user) -> bool:
        """Whether the declaration can give `user` any row at all: the predicate of a list page that
        shows a model's rows (a role the scope leaves out would only ever see an empty list)."""
        return self.everything(user) or bool(self.conditions_for(user))

    def restrict(self, queryset, user):
        if self.everything(user):
            return queryset
        conditions = self.conditions_for(user)
        admitted = [q for q in (_condition_q(condition, user) for condition in conditions) if q is not None]
        if not admitted:
            return queryset.none()
        narrowed = queryset.filter(reduce(operator.or_, admitted))
        return narrowed.distinct() if self.repeats_rows(queryset.model, conditions) else narrowed

    @staticmethod
    def repeats_rows(model, conditions) -> bool:
        """Whether the filter may return a row more than once: a path through a to-many relation before
        its last step (several owners with the user among the members of each), or several conditions
        OR-ed across a to-many join."""
        paths = [path for condition in conditions for path in _paths(condition)]
        if len(conditions) == 1 and len(paths) == 1:
            return any(_many_valued_hops(model, paths[0])[:-1])
        return any(any(_many_valued_hops(model, path)) for path in paths)

    def check(self, model) -> list[str]:
        """Problems with this declaration for `model` (an unknown path or role), for the system check."""
        problems = [f"unknown role {role!r}" for role in self.reach if role not in (ANY_ROLE, EVERYONE, *Role.values)]
        # A visitor who is not signed in is nobody a path could lead to.
        problems += [f"{EVERYONE!r} admits Q conditions only" for c in self.reach.get(EVERYONE, ()) if not isinstance(c, Q)]
        for conditions in self.reach.values():
            for path in (path for condition in conditions for path in _paths(condition)):
                try:
                    _many_valued_hops(model, path)
                except (FieldDoesNotExist, AttributeError) as error:  # AttributeError: a step past a non-relation
                    problems.append(f"path {path!r}: {error}")
        return problems


class ScopedQuerySet(models.QuerySet):
    """A QuerySet whose `visible_to(user)` applies the model's declared `row_scope`."""

    def visible_to(self, user):
        return self.model.row_scope.restrict(self, user)


def scope_errors(models_to_check) -> list[checks.Error]:
    """A scoped manager without a `row_scope`, or a declaration naming an unknown role or path."""
    errors = []
    for model in models_to_check:
        if not issubclass(model._default_manager._queryset_class, ScopedQuerySet):
            continue
        scope = getattr(model, "row_scope", None)
        if not isinstance(scope, Scope):
            errors.append(checks.Error(f"{model._meta.label} has a scoped manager but declares no row_scope", obj=model, id="kechuang.E001"))
            continue
        errors.extend(
            checks.Error(f"{model._meta.label}.row_scope: {problem}", obj=model, id="kechuang.E002")
            for problem in scope.check(model)
        )
    return errors


@checks.register(checks.Tags.models)
def check_row_scopes(app_configs=None, **kwargs):
    return scope_errors(apps.get_models())
