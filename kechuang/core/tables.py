"""Declarative table columns, rendered by list pages and by their .xlsx export alike, so a page and its
export always show the same figures."""
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Column:
    header: str
    accessor: str | Callable[[Any], Any]
    numeric: bool = False

    def value(self, obj):
        if callable(self.accessor):
            return self.accessor(obj)
        value = obj
        for part in self.accessor.split("."):
            if value is None:
                return None
            display = getattr(value, f"get_{part}_display", None)
            value = display() if callable(display) else getattr(value, part)
        return value() if callable(value) else value
