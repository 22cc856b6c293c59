"""The demo district, built from the parts each app registers.

How `kechuang demo` builds a district (the contract every app's `demo.py` follows)
-----------------------------------------------------------------------------------
An app that has demo data writes a `demo.py` next to its `models.py` and registers one builder::

    from kechuang.demo import register

    @register("vouchers", after=("registry", "policy"))
    def populate(context): ...

`kechuang demo --enterprises N --seed S --as-of D` imports the `demo` module of every installed app,
opens one transaction and calls the builders in dependency order (each after the parts it names in
`after`; parts that do not depend on each other run in the order of INSTALLED_APPS). Between parts it
refreshes the database's planner statistics, so that a part's queries over the rows the earlier parts
wrote are planned on their real sizes. A part named in `after` that is not installed is ignored; a
cycle is refused. Each builder receives a `DemoContext` (`kechuang.demo.context`):

- `rng`: a `random.Random` seeded with `f"{seed}:{part}"` for that part alone, so that adding or
  changing one part never perturbs another's. Draw every random choice from it (never from `random`
  itself, `uuid4`, the clock or database ids) and iterate over rows in a stable order (`order_by` a
  natural key), so the same N, S and as-of give identical rows.
- `as_of`: the demo's "today". Nothing may be dated after it, and every status (valid, expired,
  overdue) is as of this date, not the machine's clock.
- `enterprise_count`: N, the size of the registry; scale every other volume from it:
  `context.scaled(v)` is v in a district of 2,000 enterprises, in proportion beyond that, and never
  less than v (a small test district still shows every kind of record).
- `users`: `{role: User}`, the demo login of each `kechuang.core.choices.Role`, filled by core's part.
- `stdout`: where to write one short summary line of what was made.
- `seed`: the seed as given, for a part that needs a derived generator of its own.

A builder writes rows in bulk (`bulk_create`, audited through `kechuang.core.audit.record_bulk`; no
per-row `save()` at district size), returns nothing, and may assume the data of the parts it comes after
exists. Made-up names, phone numbers and the like come from `kechuang.demo.fake`, which only the demo
imports.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from time import perf_counter
from typing import TextIO

from kechuang.demo.context import DemoContext

Builder = Callable[[DemoContext], None]


@dataclass(frozen=True)
class DemoPart:
    name: str
    build: Builder
    after: tuple[str, ...] = ()


_parts: dict[str, DemoPart] = {}


def register(name: str, *, after: Iterable[str] = ()) -> Callable[[Builder], Builder]:
    """Register `build` as the demo part `name`, to run after the parts named in `after`."""

    def decorator(build: Builder) -> Builder:
        _parts[name] = DemoPart(name, build, tuple(after))
        return build

    return decorator


def registered() -> dict[str, DemoPart]:
    """Every installed app's demo part, by name (importing each app's `demo` module registers it)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    return _parts


def in_order(parts: dict[str, DemoPart]) -> list[DemoPart]:
    """The parts in dependency order; among parts free to run, the one registered first goes first."""
    ordered, done, visiting = [], set(), []

    def visit(part: DemoPart):
        if part.name in done:
            return
        if part.name in visiting:
            cycle = " → ".join([*visiting[visiting.index(part.name):], part.name])
            raise ValueError(f"demo parts depend on each other in a cycle: {cycle}")
        visiting.append(part.name)
        for name in part.after:
            if name in parts:
                visit(parts[name])
        visiting.pop()
        done.add(part.name)
        ordered.append(part)

    for part in parts.values():
        visit(part)
    return ordered


@dataclass(frozen=True)
class PartTiming:
    name: str
    seconds: float


def build(enterprise_count: int, seed: str, as_of: date, stdout: TextIO) -> list[PartTiming]:
    """Every registered part in one transaction, acting as `demo`: a failure anywhere leaves the
    database as it was. Returns how long each part took (statistics refresh included)."""
    from django.db import transaction

    from kechuang.core.audit import acting_as
    from kechuang.core.datadate import record_data_date
    from kechuang.core.dbstats import refresh_statistics

    context = DemoContext(seed=seed, as_of=as_of, enterprise_count=enterprise_count, stdout=stdout)
    timings = []
    with transaction.atomic(), acting_as("demo"):
        for part in in_order(registered()):
            started = perf_counter()
            part.build(context.for_part(part.name))
            refresh_statistics()
            timings.append(PartTiming(part.name, perf_counter() - started))
        record_data_date(as_of, "演示数据")
    return timings
