"""The audit log in words, as a reader of the screens knows the records: 对象类型 企业 rather than
`registry.enterprise`, 字段 联系电话 rather than `contact_phone`, a choice by its label, a related record
by its name and a person by their name. The stored entries stay as they were sealed; only the reading
changes."""
from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from kechuang.core.models import User

# Actors that are not people: the demo builder and the platform's own jobs.
SYSTEM_ACTORS = {"demo": "演示数据", "": "系统"}


def model_of(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _field(model, attname: str):
    if model is None:
        return None
    for field in (*model._meta.concrete_fields, *model._meta.many_to_many):
        if attname in (field.attname, field.name):
            return field
    return None


def _keys(value) -> list[str]:
    """The related keys a stored value holds: one for a foreign key, a list for a many-to-many field."""
    values = value if isinstance(value, list) else [value]
    return [str(item) for item in values if item not in (None, "")]


def _value(field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return "、".join(names.get((field.related_model, key), f"#{key}") for key in _keys(value)) or "—"
    return str(value)


def describe(entries) -> None:
    """Give each entry `who_text`, `type_text` and `changes_text` in words, looking up the people and
    related records a page of entries names in one query per kind."""
    entries = list(entries)
    wanted: dict[type, set[str]] = defaultdict(set)
    for entry in entries:
        model = model_of(entry.object_type)
        for attname, pair in (entry.changes or {}).items():
            field = _field(model, attname)
            if field is not None and field.is_relation and field.related_model is not None:
                wanted[field.related_model].update(key for value in pair for key in _keys(value))
    names = {}
    for related, keys in wanted.items():
        for obj in related._base_manager.filter(pk__in=list(keys)):
            names[(related, str(obj.pk))] = str(obj)
    people = {
        user.username: user.get_full_name() or user.username
        for user in User.objects.filter(username__in={entry.actor for entry in entries}).only("username", "first_name", "last_name")
    }
    for entry in entries:
        model = model_of(entry.object_type)
        entry.who_text = SYSTEM_ACTORS.get(entry.actor) or people.get(entry.actor, entry.actor)
        entry.type_text = type_label(entry.object_type)
        parts = []
        for attname, (before, after) in (entry.changes or {}).items():
            field = _field(model, attname)
            label = str(field.verbose_name) if field is not None else attname
            parts.append(f"{label}：{_value(field, before, names)} → {_value(field, after, names)}")
        entry.changes_text = "；".join(parts)
