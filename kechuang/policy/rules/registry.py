"""Where rule sets come from: the shipped folder plus any folders a district configures in
``POLICY_EXTRA_RULESET_DIRS`` (the Django setting; outside Django, the environment variable of the same
name, comma-separated, as the setting reads it)."""
from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path

from .errors import RuleSetError, UnknownRuleSet
from .loader import BUILTIN_DIR, load_dir


def extra_dirs() -> list[Path]:
    from django.conf import settings

    if settings.configured:
        dirs = settings.POLICY_EXTRA_RULESET_DIRS
    else:
        dirs = [d.strip() for d in os.environ.get("POLICY_EXTRA_RULESET_DIRS", "").split(",") if d.strip()]
    return [Path(d) for d in dirs]


class Registry:
    def __init__(self, dirs):
        self.dirs = [Path(d) for d in dirs]
        self.rulesets = {}
        for d in self.dirs:
            if not d.is_dir():
                raise RuleSetError("rule-set folder does not exist", file=d)
            for rs in load_dir(d):
                ident = (rs.key, rs.version)
                if ident in self.rulesets:
                    raise RuleSetError(f"rule set {rs.key} {rs.version} already defined in "
                                       f"{self.rulesets[ident].path}", file=rs.path, line=1, key="version")
                self.rulesets[ident] = rs

    def keys(self):
        return sorted({k for k, _ in self.rulesets})

    def versions(self, key):
        out = [rs for (k, _), rs in self.rulesets.items() if k == key]
        return sorted(out, key=lambda rs: (rs.effective_from or dt.date.min, rs.version))

    def get(self, key, version=None, as_of=None):
        versions = self.versions(key)
        if not versions:
            raise UnknownRuleSet(f"unknown rule set {key!r} (known: {', '.join(self.keys())})")
        if version is not None:
            for rs in versions:
                if rs.version == str(version):
                    return rs
            raise UnknownRuleSet(f"rule set {key!r} has no version {version!r}")
        if as_of is not None:
            if isinstance(as_of, str):
                as_of = dt.date.fromisoformat(as_of)
            effective = [rs for rs in versions if rs.effective_on(as_of)]
            if effective:
                return effective[-1]
        return versions[-1]

    def current(self, as_of=None):
        return [self.get(k, as_of=as_of) for k in self.keys()]

    def all(self):
        return list(self.rulesets.values())


@lru_cache(maxsize=1)
def _cached(dirs: tuple):
    return Registry(dirs)


def default_registry(refresh=False) -> Registry:
    dirs = tuple(str(p) for p in [BUILTIN_DIR, *extra_dirs()])
    if refresh:
        _cached.cache_clear()
    return _cached(dirs)


def get_ruleset(key, version=None, as_of=None):
    return default_registry().get(key, version=version, as_of=as_of)
