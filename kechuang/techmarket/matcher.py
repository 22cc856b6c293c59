"""The matching engine bound to the database: one engine per process, built lazily from the published
achievements and the demands in the pool, and kept in step with the database.

Services call `index.achievement_changed(...)` / `index.demand_changed(...)` after every write, so a
record is searchable as soon as it is saved, without a rebuild. Writes made by another process (another
web worker, a command) are caught up before each query: each side remembers the row count and newest
`updated_at` it has indexed, and when the database disagrees it compares (id, updated_at) pairs and
re-indexes only the rows that differ.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max

from kechuang.core.models import HighTechDomain, Industry
from kechuang.core.choices import DomainLevel, IndustryLevel
from kechuang.techmarket.matching import MatchEngine, Record, rank_owners
from kechuang.techmarket.models import Achievement, Demand

# Institutions are ranked from a deeper list of achievements than the page shows, so that an
# institution with several good achievements outranks one with a single slightly better one.
OWNER_DEPTH = 50


@dataclass
class _SideState:
    count: int = -1
    newest: object = None
    stamps: dict | None = None


class _Labels:
    """Names the engine compares for domain and industry agreement: the top-level high-tech domain
    (电子信息, 生物与新医药, …) and the industry division (2-digit GB/T 4754 code)."""

    def __init__(self):
        self.domains = dict(HighTechDomain.objects.filter(level=DomainLevel.DOMAIN).values_list("code", "name"))
        self.divisions = dict(Industry.objects.filter(level=IndustryLevel.DIVISION).values_list("code", "name"))

    def domain(self, code: str | None) -> str | None:
        return self.domains.get(code[:2]) if code else None

    def industry(self, code: str | None) -> str | None:
        return self.divisions.get(code[:2]) if code else None


class DatabaseIndex:
    def __init__(self):
        self._lock = threading.RLock()
        self._engine: MatchEngine | None = None
        self._labels: _Labels | None = None
        self._state = {"achievement": _SideState(), "demand": _SideState()}

    # ------------------------------------------------------------------ what is indexed, and how

    @staticmethod
    def _indexed(kind: str):
        if kind == "achievement":
            return Achievement.objects.published()
        return Demand.objects.in_pool()

    def _record(self, obj) -> Record:
        labels = self._labels
        text = obj.summary if isinstance(obj, Achievement) else obj.description
        return Record(
            str(obj.pk), obj.title, text, obj.keywords,
            domain=labels.domain(obj.high_tech_domain_id), industry=labels.industry(obj.industry_id),
        )

    def _put(self, kind: str, obj) -> None:
        if kind == "achievement":
            self._engine.upsert_achievement(self._record(obj))
        else:
            self._engine.upsert_demand(self._record(obj))

    def _drop(self, kind: str, pk) -> None:
        if kind == "achievement":
            self._engine.remove_achievement(str(pk))
        else:
            self._engine.remove_demand(str(pk))

    # ------------------------------------------------------------------ keeping in step

    def _fingerprint(self, kind: str):
        row = self._indexed(kind).aggregate(count=Count("id"), newest=Max("updated_at"))
        return row["count"], row["newest"]

    def _catch_up(self, kind: str) -> None:
        state = self._state[kind]
        count, newest = self._fingerprint(kind)
        if state.stamps is not None and (count, newest) == (state.count, state.newest):
            return
        stamps = dict(self._indexed(kind).values_list("id", "updated_at"))
        known = state.stamps or {}
        for pk in known.keys() - stamps.keys():
            self._drop(kind, pk)
        changed = [pk for pk, stamp in stamps.items() if known.get(pk) != stamp]
        for obj in self._indexed(kind).filter(pk__in=changed).iterator(chunk_size=2000):
            self._put(kind, obj)
        state.count, state.newest, state.stamps = count, newest, stamps

    def engine(self) -> MatchEngine:
        with self._lock:
            if self._engine is None:
                self._engine = MatchEngine()
                self._labels = _Labels()
            self._catch_up("achievement")
            self._catch_up("demand")
            return self._engine

    def _changed(self, kind: str, obj) -> None:
        with self._lock:
            if self._engine is None:
                return  # the first query builds the index from the database, this write included
            state = self._state[kind]
            if self._indexed(kind).filter(pk=obj.pk).exists():
                self._put(kind, obj)
                state.stamps[obj.pk] = obj.updated_at
            else:
                self._drop(kind, obj.pk)
                state.stamps.pop(obj.pk, None)
            # The fingerprint is left as it was: the next query sees it differ and compares stamps, which
            # also catches a write another process made in between.

    def achievement_changed(self, achievement: Achievement) -> None:
        self._changed("achievement", achievement)

    def demand_changed(self, demand: Demand) -> None:
        self._changed("demand", demand)

    # ------------------------------------------------------------------ queries

    # Queries hold the lock too: a web worker's threads must not read the index while another updates it.

    def achievements_for(self, demand: Demand, top: int = 10):
        """[(achievement id, score, reasons)] best first, for a demand (indexed or not)."""
        with self._lock:
            matches = self.engine().match_demand(self._record(demand), top=top)
        return [(int(m.id), m.score, m.reasons) for m in matches]

    def demands_for(self, achievement: Achievement, top: int = 10):
        with self._lock:
            matches = self.engine().match_achievement(self._record(achievement), top=top)
        return [(int(m.id), m.score, m.reasons) for m in matches]

    def institutions_for(self, demand: Demand, top: int = 10):
        """[(institution id, score, [achievement ids])]: the institutions behind the best achievements."""
        with self._lock:
            matches = self.engine().match_demand(self._record(demand), top=OWNER_DEPTH)
        owner_of = {
            str(pk): str(owner)
            for pk, owner in Achievement.objects.filter(pk__in=[int(m.id) for m in matches]).values_list("pk", "owner_id")
        }
        return [(int(owner), score, [int(a) for a in ids]) for owner, score, ids in rank_owners(matches, owner_of, top)]


index = DatabaseIndex()
