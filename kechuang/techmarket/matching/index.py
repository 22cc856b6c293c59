"""Incremental BM25 index.

Why not bm25s's own index: bm25s precomputes, per (term, doc), the full BM25 weight into a static
sparse matrix; the weights depend on corpus-wide idf and average length, so adding, editing or
removing one record means re-indexing the corpus. Publishing a record must not do that here.
This layer keeps raw (field-weighted) term frequencies in append-only postings and computes idf and
average length at query time, so:

* add    = append the doc's terms to their postings            O(terms of the doc)
* remove = tombstone the slot, decrement df and total length   O(terms of the doc)
* update = remove + add
* compaction rewrites the postings once tombstones exceed a quarter of the slots (amortised).

Scoring follows bm25s's ``method="lucene"`` formula exactly (idf = ln(1 + (N-df+.5)/(df+.5)),
tf part = tf/(tf + k1·(1-b+b·dl/avgdl)), Lucene's form without Robertson's constant (k1+1)); a test checks the scores against bm25s on a static
corpus. Postings are ``array.array`` buffers viewed as numpy arrays without copying, so one query
term costs one vectorised pass over its postings.
"""

from __future__ import annotations

import math
from array import array

import numpy as np


class BM25Index:
    def __init__(self, k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.term_id: dict[str, int] = {}
        self.terms: list[str] = []
        self.post_docs: list[array] = []  # term id -> slots (int32)
        self.post_tf: list[array] = []  # term id -> weighted tf (float32)
        self.df: list[int] = []  # live documents per term
        self.slot_of: dict[str, int] = {}  # external id -> slot
        self.ids: list[str | None] = []  # slot -> external id (None = dead)
        self.doc_terms: list[tuple[array, array] | None] = []  # slot -> (term ids, tfs)
        self._cap = 1024
        self.dl = np.zeros(self._cap, dtype=np.float32)
        self.alive = np.zeros(self._cap, dtype=bool)
        self.total_len = 0.0
        self.n_live = 0
        self.n_dead = 0

    # -------------------------------------------------------------- writes

    def __len__(self) -> int:
        return self.n_live

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self.slot_of

    def _grow(self, need: int) -> None:
        if need <= self._cap:
            return
        cap = self._cap
        while cap < need:
            cap *= 2
        for name in ("dl", "alive"):
            old = getattr(self, name)
            new = np.zeros(cap, dtype=old.dtype)
            new[: self._cap] = old
            setattr(self, name, new)
        self._cap = cap
        self.on_grow(cap)

    def on_grow(self, cap: int) -> None:  # subclasses keep per-slot arrays in step
        pass

    def add(self, doc_id: str, tf: dict[str, float]) -> int:
        """Add or replace a document given its field-weighted term frequencies; returns its slot."""
        if doc_id in self.slot_of:
            self.remove(doc_id)
        slot = len(self.ids)
        self._grow(slot + 1)
        tids = array("i")
        tfs = array("f")
        for term, f in tf.items():
            if f <= 0:
                continue
            tid = self.term_id.get(term)
            if tid is None:
                tid = len(self.terms)
                self.term_id[term] = tid
                self.terms.append(term)
                self.post_docs.append(array("i"))
                self.post_tf.append(array("f"))
                self.df.append(0)
            self.post_docs[tid].append(slot)
            self.post_tf[tid].append(f)
            self.df[tid] += 1
            tids.append(tid)
            tfs.append(f)
        length = float(sum(tfs))
        self.ids.append(doc_id)
        self.doc_terms.append((tids, tfs))
        self.slot_of[doc_id] = slot
        self.dl[slot] = length
        self.alive[slot] = True
        self.total_len += length
        self.n_live += 1
        return slot

    def remove(self, doc_id: str) -> bool:
        slot = self.slot_of.pop(doc_id, None)
        if slot is None:
            return False
        tids, _ = self.doc_terms[slot]
        for tid in tids:
            self.df[tid] -= 1
        self.total_len -= float(self.dl[slot])
        self.alive[slot] = False
        self.ids[slot] = None
        self.doc_terms[slot] = None
        self.n_live -= 1
        self.n_dead += 1
        if self.n_dead > 64 and self.n_dead * 4 > len(self.ids):
            self.compact()
        return True

    def compact(self) -> None:
        """Rewrite postings without dead slots; slots are renumbered."""
        mapping = np.full(len(self.ids), -1, dtype=np.int64)
        keep = [s for s, i in enumerate(self.ids) if i is not None]
        mapping[keep] = np.arange(len(keep))
        self.compact_slots(np.asarray(keep, dtype=np.int64))
        new_docs = []
        new_tf = []
        for docs, tfs in zip(self.post_docs, self.post_tf):
            d = np.frombuffer(docs, dtype=np.int32) if len(docs) else np.zeros(0, np.int32)
            t = np.frombuffer(tfs, dtype=np.float32) if len(tfs) else np.zeros(0, np.float32)
            m = mapping[d] >= 0 if len(d) else np.zeros(0, bool)
            new_docs.append(array("i", mapping[d][m].astype(np.int32).tobytes()))
            new_tf.append(array("f", t[m].tobytes()))
        self.post_docs, self.post_tf = new_docs, new_tf
        self.ids = [self.ids[s] for s in keep]
        self.doc_terms = [self.doc_terms[s] for s in keep]
        self.slot_of = {i: s for s, i in enumerate(self.ids)}
        n = len(keep)
        self.dl[:n] = self.dl[keep]
        self.dl[n:] = 0
        self.alive[:n] = True
        self.alive[n:] = False
        self.n_dead = 0

    def compact_slots(self, keep: np.ndarray) -> None:  # subclasses move per-slot arrays
        pass

    # -------------------------------------------------------------- reads

    def live_term(self, term: str) -> bool:
        tid = self.term_id.get(term)
        return tid is not None and self.df[tid] > 0

    def idf(self, term: str) -> float:
        tid = self.term_id.get(term)
        if tid is None or self.df[tid] <= 0:
            return 0.0
        df = self.df[tid]
        return math.log(1.0 + (self.n_live - df + 0.5) / (df + 0.5))

    def score(self, query: dict[str, float]) -> np.ndarray:
        """BM25 scores for every slot (dead slots score 0); query maps term -> query weight."""
        n = len(self.ids)
        scores = np.zeros(n, dtype=np.float32)
        if not self.n_live:
            return scores
        avgdl = self.total_len / self.n_live or 1.0
        k1, b = self.k1, self.b
        norm = k1 * (1.0 - b + b * self.dl[:n] / avgdl)
        for term, w in query.items():
            tid = self.term_id.get(term)
            if tid is None or self.df[tid] <= 0 or w <= 0:
                continue
            docs = np.frombuffer(self.post_docs[tid], dtype=np.int32)
            tfs = np.frombuffer(self.post_tf[tid], dtype=np.float32)
            idf = self.idf(term)
            scores[docs] += (w * idf) * tfs / (tfs + norm[docs])
            del docs, tfs  # release the buffer exports so the arrays can grow again
        scores *= self.alive[:n]
        return scores

    def term_weights(self, slot: int, query: dict[str, float]) -> dict[str, float]:
        """Per-term contribution of the query terms to one document's score (for reasons)."""
        tids, tfs = self.doc_terms[slot]
        avgdl = self.total_len / self.n_live or 1.0
        norm = self.k1 * (1.0 - self.b + self.b * float(self.dl[slot]) / avgdl)
        out = {}
        for tid, f in zip(tids, tfs):
            term = self.terms[tid]
            w = query.get(term)
            if w:
                out[term] = w * self.idf(term) * f / (f + norm)
        return out
