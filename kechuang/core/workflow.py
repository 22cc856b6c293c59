"""State machines, declared once as data.

A `Workflow` names the model, its state field and its `Transition`s. `move()` is the only way a state
changes: it checks the declaration (the transition exists, starts from the record's state, the user may
take it, a comment is given where one is required), applies it as a conditional
`UPDATE … WHERE pk = … AND state = old` that must change exactly one row (so two people acting at once
cannot both take it), writes the audit entry and sends the notices the declaration names. Pages and the
API list their buttons and actions from `Workflow.available()`, so an undeclared move cannot be taken
anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core import clock
from kechuang.core.audit import lock_chain, record_bulk, record_updated, snapshot
from kechuang.core.choices import AuditAction


def anyone(user, obj) -> bool:
    return True


# What a transition may stamp on the row besides the state: the acting user, the moment, the district's
# date, or the comment given.
BY, NOW, TODAY, COMMENT = "by", "now", "today", "comment"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    # who may take it: a `can_*` predicate (user, obj) -> bool; `None` as user means a command acting
    # for the system, allowed only where `system` is True
    allowed: Callable = anyone
    needs_comment: bool = False
    comment_message: str = ""
    # field -> BY | NOW | TODAY | COMMENT, written with the state
    stamps: dict = field(default_factory=dict)
    system: bool = False
    # (obj, transition, user) -> iterable of users to tell; the notice reads `notice` % {"object": obj}
    notify: Callable | None = None
    notice: str = ""
    # the primary button on a page (others are shown as secondary)
    primary: bool = False
    # False for a transition another action takes as its consequence (never a button or an action of its own)
    button: bool = True

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))

    def permits(self, user, obj) -> bool:
        if user is None:
            return self.system
        return bool(getattr(user, "is_active", False) and self.allowed(user, obj))


class Workflow:
    """`model` is the model class or its "app_label.Model" label, so an app's models module may import
    names from its workflow declaration without a cycle."""

    def __init__(self, model, state_field: str, transitions: Iterable[Transition]):
        self._model = model
        self.state_field = state_field
        self.transitions = {t.name: t for t in transitions}

    @property
    def model(self):
        if isinstance(self._model, str):
            from django.apps import apps

            self._model = apps.get_model(self._model)
        return self._model

    def __iter__(self):
        return iter(self.transitions.values())

    def get(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise ValidationError(_("“%(name)s” is not a step of this workflow.") % {"name": name}) from None

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def available(self, user, obj) -> list[Transition]:
        """The transitions `user` may take on `obj` now: what pages show as buttons and the API accepts."""
        state = self.state_of(obj)
        return [t for t in self if state in t.sources and t.permits(user, obj)]

    def buttons(self, user, obj) -> list[Transition]:
        """The transitions a page may offer `user` on `obj` and an action view may accept."""
        return [t for t in self.available(user, obj) if t.button]

    def names(self, user, obj) -> set[str]:
        return {t.name for t in self.buttons(user, obj)}

    def leading_to(self, target: str) -> list[Transition]:
        return [t for t in self if t.target == target]

    def state_label(self, state: str) -> str:
        choices = dict(self.model._meta.get_field(self.state_field).flatchoices)
        return str(choices.get(state, state))


def _stamp(kind: str, user, comment: str):
    return {BY: user, NOW: timezone.now(), TODAY: clock.today(), COMMENT: comment}[kind]


def check(workflow: Workflow, obj, name: str, user, comment: str = "") -> Transition:
    """The transition `name` if `user` may take it on `obj` as it stands; raises otherwise."""
    transition = workflow.get(name)
    if not transition.permits(user, obj):
        raise PermissionDenied(_("You may not “%(action)s” here.") % {"action": transition.label})
    state = workflow.state_of(obj)
    if state not in transition.sources:
        raise ValidationError(
            _("This record is “%(state)s”; “%(action)s” is not possible from there.")
            % {"state": workflow.state_label(state), "action": transition.label}
        )
    if transition.needs_comment and not (comment or "").strip():
        raise ValidationError({"comment": transition.comment_message or _("Give a reason.")})
    return transition


def _values(workflow: Workflow, transition: Transition, model, user, comment: str, changes: dict) -> dict:
    values = {workflow.state_field: transition.target}
    values.update({column: _stamp(kind, user, (comment or "").strip()) for column, kind in transition.stamps.items()})
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    values.update(changes)
    return values


def _stale() -> ValidationError:
    return ValidationError(_("This record is no longer in a state that allows this; reload the page and try again."))


def _send_notices(transition: Transition, obj, user, comment: str) -> None:
    if transition.notify is None:
        return
    from kechuang.core.notifications import notify

    recipients = [u for u in transition.notify(obj, transition, user) if u is not None and u != user]
    if recipients:
        notify(
            recipients,
            subject=(transition.notice or "%(object)s") % {"object": obj, "comment": (comment or "").strip()},
            url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
        )


def move(workflow: Workflow, obj, name: str, user, comment: str = "", where: dict | None = None, **changes):
    """Take the declared transition `name` on `obj` for `user`, writing `changes` with it.

    `where` adds conditions the row must still meet (e.g. no winner chosen yet). Raises PermissionDenied
    or ValidationError (in Chinese) and writes nothing when the move is not allowed or someone else moved
    the record first. Returns `obj`, refreshed."""
    # The state checked is the state the UPDATE requires: read once, so that a copy refreshed meanwhile
    # (another request's move on the same object) cannot make the condition match the new state.
    state = workflow.state_of(obj)
    transition = check(workflow, obj, name, user, comment)
    if state not in transition.sources:
        raise _stale()
    model = type(obj)
    values = _values(workflow, transition, model, user, comment, changes)
    with transaction.atomic():
        lock_chain()
        stored = model._base_manager.filter(pk=obj.pk).first()
        conditions = {"pk": obj.pk, workflow.state_field: state, **(where or {})}
        if stored is None or model._base_manager.filter(**conditions).update(**values) != 1:
            raise _stale()
        obj.refresh_from_db()
        record_updated(obj, snapshot(stored))
        _send_notices(transition, obj, user, comment)
    return obj


def move_all(
    workflow: Workflow, objects: Iterable, name: str, user, comment: str = "",
    also_refuse: Callable | None = None, **changes,
) -> list:
    """`name` on every object, all or nothing, as one conditional UPDATE per starting state.

    Every object is checked first (the declaration, then `also_refuse(obj)` -> reasons of the app's
    own) and every refusal is reported together, each naming its record; then the UPDATEs must change
    exactly as many rows as the batch holds, else nothing is written (someone moved one of them
    meanwhile). Audited as one batch. Returns the objects with the new values."""
    objects = list(objects)
    if not objects:
        return objects
    by_state: dict[str, list] = {}
    for obj in objects:  # read once, before the checks (see move())
        by_state.setdefault(workflow.state_of(obj), []).append(obj.pk)
    errors, transition = [], workflow.get(name)
    for obj in objects:
        try:
            check(workflow, obj, name, user, comment)
        except ValidationError as error:
            reasons = error.messages
        else:
            reasons = list(also_refuse(obj)) if also_refuse else []
        errors.extend(_("%(record)s: %(reason)s") % {"record": obj, "reason": reason} for reason in reasons)
    if errors:
        raise ValidationError(errors)
    model = type(objects[0])
    values = _values(workflow, transition, model, user, comment, changes)
    if not set(by_state) <= transition.sources:
        raise _stale()
    with transaction.atomic():
        lock_chain()
        before = {row.pk: snapshot(row) for row in model._base_manager.filter(pk__in=[o.pk for o in objects])}
        changed = sum(
            model._base_manager.filter(pk__in=pks, **{workflow.state_field: state}).update(**values)
            for state, pks in by_state.items()
        )
        if changed != len(objects):
            raise _stale()
        after = []
        for obj in objects:
            for column, value in values.items():
                setattr(obj, column, value)
            if any(hasattr(value, "resolve_expression") for value in values.values()):
                obj.refresh_from_db()
            after.append((AuditAction.UPDATE, str(obj.pk), str(obj), before[obj.pk], snapshot(obj)))
        record_bulk(model, after)
        for obj in objects:
            _send_notices(transition, obj, user, comment)
    return objects
