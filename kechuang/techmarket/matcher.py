"""Matching served from the database, shared by every process.

Each achievement and demand carries its index in its own row (`PostedModel.match_*`), filled by a
pre_save handler in the very statement that writes the record (bulk writes call `index_rows`):

* `match_terms`: the segmenter's tokens (jieba + the domain dictionary + concept tokens of the
  business→technical map), title and keyword tokens twice. PostgreSQL derives a GIN-indexed
  tsvector from it (generated column, built-in 'simple' configuration); SQLite an FTS5 table (triggers).
  Both are made by migration 0004.
* `match_vector`: the sentence vector (512 float32, 2 KB); `match_cell`: its nearest `MatchCentroid`
  (−1 while the side has no centroids, i.e. until `kechuang match_index rebuild` trains them).

A query reads two candidate lists from the database, the full-text ranking of the query's expanded
terms and the cosine ranking over the vectors of the nearest cells, and fuses them (`matching.fusion`).
No process holds an index of its own; a fresh worker's first query costs what every query costs, plus
loading the segmenter and the encoder once (`warm_up`).
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, Max
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from kechuang.core.choices import DomainLevel, IndustryLevel
from kechuang.core.models import HighTechDomain, Industry
from kechuang.techmarket.matching import Match, MatchEngine, Options, Record, rank_owners
from kechuang.techmarket.matching import fusion
from kechuang.techmarket.matching.semantic import DIM, code_scores, from_bytes, one_blas_thread, to_bytes, to_code
from kechuang.techmarket.models import Achievement, Demand, MatchCentroid, MatchTerm

# Institutions are ranked from a deeper list of achievements than the page shows, so that an
# institution with several good achievements outranks one with a single slightly better one.
OWNER_DEPTH = 50
NPROBE = 6  # cells read per semantic query
# candidates of the 8-bit codes whose full vectors are read: at 1,000,000 rows, 150 gave the same best
# 100 as 300 for all 65 labelled demands, 7 ms sooner (each vector is a TOAST read)
RERANK = 150
QUERY_TERMS = 12  # the heaviest (weight × idf) expanded query terms sent to the full-text index
# and besides them, the heaviest of those the last count did not see: each would otherwise take the top
# idf and, when a query has a dozen, push out every term the records hold (a query that finds nothing)
UNSEEN_TERMS = 4
COMMON = 0.1  # a term in more than this share of records does not choose candidates (it still ranks)
CANDIDATES = 2000  # records the rarest query terms may bring to be ranked (`_choosing`)
BATCH = 256  # rows per transaction of a rebuild: the encoder's batches and one executemany each


def _token(term: str) -> str:
    """A term as the full-text parsers keep it: concept tokens §12 / §12~ become zc12 / zc12q (both
    parsers drop §), everything else is already a plain word."""
    if term.startswith("§"):
        return "zc" + term[1:].replace("~", "q")
    return term


def index_terms(analysis) -> str:
    """The text the full-text index reads: each token once per unit of its field-weighted frequency
    (at most 3), so the index's term frequency follows the engine's."""
    return " ".join(" ".join([_token(t)] * min(3, max(1, round(w)))) for t, w in analysis.tf.items())


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


def _kind(model) -> str:
    return "achievement" if model is Achievement else "demand"


def _indexed(model):
    return Achievement.objects.published() if model is Achievement else Demand.objects.in_pool()


class DatabaseIndex:
    def __init__(self):
        self._lock = threading.Lock()
        self._engine: MatchEngine | None = None
        self._labels: _Labels | None = None

    def engine(self) -> MatchEngine:
        """The analyser (segmenter, dictionary, thesaurus, encoder); it holds no records."""
        with self._lock:
            if self._engine is None:
                self._engine = MatchEngine(Options())
                self._labels = _Labels()
            return self._engine

    def warm_up(self) -> None:
        """Load the segmenter and the encoder, open the connection and read both sides' cell centres now
        (a web worker calls this at start), so that its first request costs what its hundredth does."""
        # The probe is the newest record of the other side, so that it takes every step a request takes
        # on this database's own words (a made-up text may find no full-text candidates): the full-text
        # ranking, the codes of the nearest cells, the records read back and their reasons. Each step's
        # memory, in this process and in its database backend, is then allocated and written before the
        # first request (a fresh backend wrote ≈ 5,400 new pages on its first real query).
        fallback = Record("warm-up", "降低生产成本", "提高产品质量，降低能耗与生产成本")
        for model, other in ((Achievement, Demand), (Demand, Achievement)):
            newest = _indexed(other).order_by("-pk").first()
            self._rank(self.record(newest) if newest else fallback, model, 10)

    def record(self, obj) -> Record:
        model = type(obj)
        return self._record(obj.pk, obj.title, obj.keywords, obj.high_tech_domain_id, obj.industry_id,
                            [getattr(obj, f) for f in TEXT_OF[model]])

    def _record(self, pk, title, keywords, domain, industry, texts) -> Record:
        """A Record from a row's fields; the description is the text fields joined as
        `Demand.description` joins them."""
        self.engine()
        return Record(
            str(pk), title or "", "\n".join(t for t in texts if t), keywords or "",
            domain=self._labels.domain(domain), industry=self._labels.industry(industry),
        )

    # ------------------------------------------------------------------ writing the index

    def _fields(self, records: list[Record], model, vectors: np.ndarray | None = None) -> list[dict]:
        engine = self.engine()
        vectors = engine.embed(records) if vectors is None else vectors
        centroids = _centroids(_kind(model))
        has = vectors.any(axis=1)
        cells = np.argmax(vectors @ centroids.T, axis=1) if len(centroids) else np.full(len(records), -1)
        out = []
        for rec, vec, ok, cell in zip(records, vectors, has, cells):
            terms = index_terms(engine.analyze(rec))
            out.append({"match_terms": terms, "match_vector": to_bytes(vec) if ok else None,
                        "match_code": to_code(vec) if ok else None, "match_cell": int(cell) if ok else -1})
        return out

    def fields_of(self, obj) -> dict:
        [values] = self._fields([self.record(obj)], type(obj))
        return values

    def index_rows(self, model, queryset=None, progress: Callable[[int], None] | None = None, batch: int = BATCH) -> int:
        """(Re)index the rows of queryset (default: all of model's rows) in batches, each batch in its own
        transaction, so a query during a rebuild sees every row either as it was or as it is now.

        A batch reads only the fields the index is computed from (no model instances), encodes its texts
        in one call, and writes all its rows with one executemany (pipelined on PostgreSQL)."""
        queryset = model.objects.all() if queryset is None else queryset
        fields = ("pk", "title", "keywords", "high_tech_domain_id", "industry_id", *TEXT_OF[model])
        table, done, engine = model._meta.db_table, 0, self.engine()
        pks = list(queryset.order_by("pk").values_list("pk", flat=True))

        def records(start: int) -> list[Record]:
            rows = model.objects.filter(pk__in=pks[start:start + batch]).order_by("pk").values_list(*fields)
            return [self._record(pk, title, kw, dom, ind, texts) for pk, title, kw, dom, ind, *texts in rows]

        # The encoder (BLAS, which releases the GIL) works on the next batch in a thread while this one
        # segments and writes the current batch: the two overlap on a second core.
        with ThreadPoolExecutor(max_workers=1) as pool:
            current = records(0) if pks else []
            encoding = pool.submit(engine.embed, current)
            for start in range(0, len(pks), batch):
                vectors = encoding.result()
                following = records(start + batch) if start + batch < len(pks) else []
                encoding = pool.submit(engine.embed, following)
                values = self._fields(current, model, vectors)
                with transaction.atomic(), connection.cursor() as cur:
                    cur.executemany(
                        f"UPDATE {table} SET match_terms = %s, match_vector = %s, match_code = %s, match_cell = %s WHERE id = %s",
                        [(*v.values(), int(r.id)) for r, v in zip(current, values)],
                    )
                done += len(current)
                if progress:
                    progress(len(current))
                current = following
        return done

    def index_missing(self, model) -> int:
        return self.index_rows(model, model.objects.filter(match_terms=""))

    # ------------------------------------------------------------------ querying

    def _weighted_terms(self, model, terms: dict[str, float]) -> tuple[dict[str, float], dict[str, int]]:
        """The query terms the full-text index is asked for, each weighed by query weight × idf (idf from
        the last count; without one, query weight alone), common terms left out: the QUERY_TERMS heaviest
        of the terms the count saw and the UNSEEN_TERMS heaviest of those it did not; and their counts."""
        tokens = {term: _token(term) for term in terms}
        df, n = _term_stats(_kind(model), set(tokens.values()))
        weights: dict[str, float] = {}
        for term, w in terms.items():
            tok = tokens[term]
            if not re.search(r"\w", tok) or len(tok) > 100:
                continue
            if n:
                d = df.get(tok, 0)
                if n >= 1000 and d > COMMON * n:
                    continue
                w *= math.log(1 + (n - d + 0.5) / (d + 0.5))
            weights[tok] = max(weights.get(tok, 0.0), w)

        def heaviest(seen: bool, count: int) -> list[tuple[str, float]]:
            side = [(t, w) for t, w in weights.items() if not n or bool(df.get(t)) == seen]
            return sorted(side, key=lambda x: (-x[1], x[0]))[:count]

        return dict(heaviest(True, QUERY_TERMS) + heaviest(False, UNSEEN_TERMS if n else 0)), df

    @staticmethod
    def _choosing(weights: dict[str, float], df: dict[str, int]) -> list[str]:
        """The rarest of the query's terms whose records together number at most CANDIDATES (at least one
        term): the records holding any of them are the full-text candidates, all of them ranked. A more
        common term would bring thousands of records of which any cut keeps an arbitrary few; it still
        counts in the ranking of the candidates."""
        chosen, postings = [], 0
        for word in sorted(weights, key=lambda w: (df.get(w, 0), w)):
            postings += df.get(word, 0)
            if chosen and postings > CANDIDATES:
                break
            chosen.append(word)
        return chosen

    def _lexical(self, model, terms: dict[str, float]) -> list[str]:
        weights, df = self._weighted_terms(model, terms)
        if not weights:
            return []
        table = model._meta.db_table
        words, chosen = list(weights), self._choosing(weights, df)
        if connection.vendor == "postgresql":
            # each term its own plainto_tsquery (any text is a valid query that way); ts_rank only where
            # the term occurs, which is one or two of the terms for most candidates. The tsvector is
            # TOASTed at this size and PostgreSQL fetches it again for every reference (24 of them: 45
            # buffer reads a candidate, 120 ms for 1,800 candidates at 1,000,000 rows), so the inner query
            # makes one in-memory copy (`|| ''`) that the ranking outside reads.
            tsv = f"{table}.match_tsv"
            any_chosen = " || ".join(["plainto_tsquery('simple', %s)"] * len(chosen))
            rows = _indexed(model).extra(
                select={"doc": f"{tsv} || ''::tsvector"}, where=[f"{tsv} @@ ({any_chosen})"], params=chosen,
            ).order_by().values_list("pk", "doc")
            # a rarest term that is itself common (or counts gone stale) must not make every query rank
            # tens of thousands of rows: past 4 × CANDIDATES the database's first ones are taken
            sql, params = rows[: 4 * CANDIDATES].query.sql_with_params()
            term = "CASE WHEN c.doc @@ plainto_tsquery('simple', %s) THEN ts_rank(c.doc, plainto_tsquery('simple', %s)) * %s ELSE 0 END"
            score = " + ".join([term] * len(words))
            with connection.cursor() as cur:
                cur.execute(f"SELECT c.pk, {score} AS score FROM ({sql}) c ORDER BY 2 DESC, 1 LIMIT %s",
                            [x for w in words for x in (w, w, weights[w])] + [*params, fusion.DEPTH])
                return [str(pk) for pk, _score in cur.fetchall()]
        fts = f"{table}_fts"  # FTS5's bm25 weighs by idf itself
        rows = _indexed(model).extra(
            select={"score": f"bm25({fts})"}, tables=[fts],
            where=[f"{fts}.rowid = {table}.id", f"{fts} MATCH %s"],
            params=[" OR ".join('"' + w.replace('"', '""') + '"' for w in words)],
        )
        return [str(pk) for pk in rows.order_by("score", "pk").values_list("pk", flat=True)[: fusion.DEPTH]]

    def count_terms(self, model) -> int:
        """Recount the document frequency of every indexed term of model's side (one transaction)."""
        kind = _kind(model)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f"SELECT word, ndoc FROM ts_stat('SELECT match_tsv FROM {model._meta.db_table}')")
                counts = dict(cur.fetchall())
        else:
            counts = Counter()
            for terms in model.objects.values_list("match_terms", flat=True).iterator(chunk_size=5000):
                counts.update(set(terms.lower().split()))
        n = model.objects.exclude(match_terms="").count()
        with transaction.atomic():
            MatchTerm.objects.filter(kind=kind).delete()
            MatchTerm.objects.bulk_create(
                [MatchTerm(kind=kind, term="", df=n)]
                + [MatchTerm(kind=kind, term=t, df=d) for t, d in counts.items() if 0 < len(t) <= 100],
                batch_size=5000,
            )
        if connection.vendor == "postgresql":
            # the table was just replaced wholesale: with the old statistics the planner reads every term
            # of the side for a query's few dozen (88 ms instead of 2 ms at 174,000 terms)
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {MatchTerm._meta.db_table}")
        return len(counts)

    def _semantic(self, model, vec: np.ndarray) -> tuple[list[str], dict[str, float]]:
        """The DEPTH nearest visible records by cosine: the 8-bit codes of the NPROBE nearest cells (and of
        rows not yet given a cell) choose RERANK candidates, whose full vectors then rank them exactly.
        On PostgreSQL the codes come from the cell index alone (an index-only scan, in cell order)."""
        if not vec.any():
            return [], {}
        table = model._meta.db_table
        centroids = _centroids(_kind(model))
        where, args = "match_code IS NOT NULL", []
        if len(centroids):
            with one_blas_thread():
                near = np.argsort(-(centroids @ vec))[:NPROBE].tolist() + [-1]
            where += f" AND match_cell IN ({', '.join(['%s'] * len(near))})"
            args = near
        rows = _fetch(f"SELECT id, match_code FROM {table} WHERE {where}", args)
        if not rows:
            return [], {}
        approx = code_scores(b"".join(code for _pk, code in rows), vec)
        chosen = np.argsort(-approx, kind="stable")[:RERANK]
        ids, vectors = _vectors(_indexed(model).filter(pk__in=[rows[i][0] for i in chosen], match_vector__isnull=False))
        if not ids:
            return [], {}
        with one_blas_thread():
            sims = vectors @ vec
        best = sorted(range(len(ids)), key=lambda i: (-sims[i], ids[i]))[: fusion.DEPTH]
        return [str(ids[i]) for i in best if sims[i] > 0], {str(ids[i]): float(sims[i]) for i in best}

    def _rank(self, query: Record, model, top: int, reasons: bool = True) -> list[Match]:
        """The fused ranking; with reasons=False (institutions_for, which shows none) the records are
        not read back nor explained."""
        engine = self.engine()
        _analysis, terms, vec = engine.query_terms(query)
        lexical = self._lexical(model, terms)
        semantic, sims = self._semantic(model, vec)
        if semantic:
            fused = fusion.fuse(lexical, semantic, top)
        else:
            fused = [(pk, fusion.DEPTH - i) for i, pk in enumerate(lexical[:top])]
        if not fused or not reasons:
            return [Match(pk, score, [], sims.get(pk, 0.0)) for pk, score in fused]
        objs = model.objects.in_bulk([int(pk) for pk, _s in fused])
        close = set(semantic[:top])
        candidates = [
            (self.record(objs[int(pk)]), from_bytes(objs[int(pk)].match_vector), sims.get(pk, 0.0) if pk in close else 0.0)
            for pk, _s in fused if int(pk) in objs
        ]
        explained = engine.explain(query, candidates)
        return [Match(pk, score, explained.get(pk, []), sims.get(pk, 0.0)) for pk, score in fused if int(pk) in objs]

    def achievements_for(self, demand: Demand, top: int = 10):
        """[(achievement id, score, reasons)] best first, for a demand (saved or not)."""
        return [(int(m.id), m.score, m.reasons) for m in self._rank(self.record(demand), Achievement, top)]

    def demands_for(self, achievement: Achievement, top: int = 10):
        return [(int(m.id), m.score, m.reasons) for m in self._rank(self.record(achievement), Demand, top)]

    def institutions_for(self, demand: Demand, top: int = 10):
        """[(institution id, score, [achievement ids])]: the institutions behind the best achievements."""
        matches = self._rank(self.record(demand), Achievement, OWNER_DEPTH, reasons=False)
        owner_of = {
            str(pk): str(owner)
            for pk, owner in Achievement.objects.filter(pk__in=[int(m.id) for m in matches]).values_list("pk", "owner_id")
        }
        return [(int(owner), score, [int(a) for a in ids]) for owner, score, ids in rank_owners(matches, owner_of, top)]

    # ------------------------------------------------------------------ the coarse quantiser

    def train_cells(self, model, cells: int, sample: int = 20000, iterations: int = 8, seed: int = 0) -> int:
        """k-means over a sample of model's vectors; stores the centres and assigns every row its cell.
        All in one transaction: a query sees the old cells or the new, never a mixture."""
        rng = np.random.default_rng(seed)
        pks = list(model.objects.filter(match_vector__isnull=False).values_list("pk", flat=True))
        if len(pks) < cells:
            return 0
        picked = rng.choice(len(pks), size=min(sample, len(pks)), replace=False)
        centres = kmeans(_vectors(model.objects.filter(pk__in=[pks[i] for i in picked]))[1], cells, iterations, rng)
        with transaction.atomic():
            store_centres(_kind(model), centres)
            for start in range(0, len(pks), 20000):
                ids, vecs = _vectors(model.objects.filter(pk__in=pks[start:start + 20000]))
                nearest = np.argmax(vecs @ centres.T, axis=1).tolist()
                with connection.cursor() as cur:  # a row already in its cell is not rewritten
                    cur.executemany(f"UPDATE {model._meta.db_table} SET match_cell = %s WHERE id = %s AND match_cell <> %s",
                                    [(c, pk, c) for pk, c in zip(ids, nearest)])
        return cells


def kmeans(x: np.ndarray, cells: int, iterations: int, rng: np.random.Generator) -> np.ndarray:
    """Spherical k-means: `cells` unit centres of the rows of x (unit vectors), started from random rows."""
    centres = x[rng.choice(len(x), size=cells, replace=False)].copy()
    for _ in range(iterations):
        nearest = np.argmax(x @ centres.T, axis=1)
        sums = np.zeros_like(centres)
        np.add.at(sums, nearest, x)
        norms = np.linalg.norm(sums, axis=1)
        filled = norms > 0  # an empty cell keeps its centre
        centres[filled] = sums[filled] / norms[filled, None]
    return centres


def store_centres(kind: str, centres: np.ndarray) -> None:
    """Replace the side's centres (rows keep their cell numbers until assigned anew)."""
    MatchCentroid.objects.filter(kind=kind).delete()
    MatchCentroid.objects.bulk_create([MatchCentroid(kind=kind, cell=c, vector=to_bytes(v)) for c, v in enumerate(centres)])


def _vectors(queryset) -> tuple[list[int], np.ndarray]:
    """(ids, vectors) of the rows; one fetch, all rows at once (a server-side cursor costs more than it saves)."""
    try:
        rows = _fetch(*queryset.order_by().values_list("pk", "match_vector").query.sql_with_params())
    except EmptyResultSet:  # pk__in=[]: Django makes no SQL for it
        rows = []
    if not rows:
        return [], np.zeros((0, DIM), dtype=np.float32)
    ids = [pk for pk, _blob in rows]
    return ids, np.frombuffer(b"".join(bytes(blob) for _pk, blob in rows), dtype="<f4").reshape(len(ids), -1)


def _fetch(sql: str, params) -> list[tuple]:
    """The rows of a query; on PostgreSQL in binary, where a bytea travels as its bytes rather than as hex
    text of twice the size that the client decodes (the 6,300 codes of a query at 1,000,000 rows: 24–30 ms
    of client CPU as text, 7–9 ms in binary)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    import psycopg  # Django's own cursors are client-side ones, which cannot return binary results

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cur:
        cur.execute(sql, params, binary=True)
        return cur.fetchall()


_centroid_cache: dict[str, tuple[tuple, np.ndarray]] = {}


def _term_stats(kind: str, terms) -> tuple[dict[str, int], int]:
    """({term: df} for the given terms, number of records) from the last count; ({}, 0) before any.
    Read per query (one index lookup): no process holds the whole table."""
    df = dict(MatchTerm.objects.filter(kind=kind, term__in=[*terms, ""]).values_list("term", "df"))
    return df, df.pop("", 0)


def _centroids(kind: str) -> np.ndarray:
    """The side's centres; re-read only when a rebuild replaced them (their ids change)."""
    rows = MatchCentroid.objects.filter(kind=kind)
    stamp = tuple(rows.aggregate(n=Count("id"), top=Max("id")).values())
    cached = _centroid_cache.get(kind)
    if cached and cached[0] == stamp:
        return cached[1]
    blobs = list(rows.order_by("cell").values_list("vector", flat=True))
    arr = (np.frombuffer(b"".join(bytes(b) for b in blobs), dtype="<f4").reshape(len(blobs), -1)
           if blobs else np.zeros((0, DIM), dtype=np.float32))
    _centroid_cache[kind] = (stamp, arr)
    return arr


index = DatabaseIndex()

# The text fields a record's description is made of (Demand.description joins its three).
TEXT_OF = {Achievement: ("summary",), Demand: ("problem", "key_points", "goals")}

# What a record's index is computed from; a save limited to other fields leaves the index alone.
TEXT_FIELDS = {"title", "summary", "problem", "key_points", "goals", "keywords", "high_tech_domain", "industry"}


@receiver(pre_save, sender=Achievement)
@receiver(pre_save, sender=Demand)
def _index_on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or update_fields is not None:
        return
    for name, value in index.fields_of(instance).items():
        setattr(instance, name, value)


@receiver(post_save, sender=Achievement)
@receiver(post_save, sender=Demand)
def _index_after_partial_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and update_fields is not None and TEXT_FIELDS & set(update_fields):
        sender.objects.filter(pk=instance.pk).update(**index.fields_of(instance))
