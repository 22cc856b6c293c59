"""YAML loading that remembers where every key and item came from (for error messages)."""
from __future__ import annotations

import yaml

from .errors import RuleSetError


class LDict(dict):
    """A dict that knows the line of itself and of each key (1-based)."""

    line: int | None = None
    key_lines: dict

    def line_of(self, key):
        return self.key_lines.get(key, self.line)


class LList(list):
    line: int | None = None
    item_lines: list

    def line_of(self, i):
        try:
            return self.item_lines[i]
        except IndexError:
            return self.line


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    out = LDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain scalar", key_node.start_mark)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader, node):
    out = LList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, file=None):
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        raise RuleSetError(f"YAML syntax error: {problem}", file=file, line=line, key=None) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        raise RuleSetError(f"YAML error: {exc}", file=file) from exc
    return data
