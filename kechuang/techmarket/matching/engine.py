"""The matching engine: demand → achievements and achievement → demands.

Pure Python: records come from CSV files or from the database through the same ``Record`` type.

Score of a candidate d for a query q::

    score = BM25(q_expanded, d) × domain_factor × industry_factor

* q_expanded: q's own terms (weight 1, 1.5 when the term is in the title or keywords) plus
  - concept tokens from the business→technical map (weight 0.6): both sides carry a token ``§k``
    when they mention any cue or term of concept k, so "电费太高" meets "能效诊断";
  - 同义词词林 synonyms (weight 0.45) and word-vector neighbours (weight 0.5·cos, cos ≥ 0.75),
    scaled by the weight of the original word; all expansions of one word together weigh at most
    half of that word (``expansion_budget``).
* documents index title ×2, description ×1, keywords ×2 (field-weighted term frequency).
* domain_factor: both records carry a high-tech domain → ×1.2 same / ×0.8 different; otherwise the
  domains are inferred from domain-dictionary terms in the text and the factor is 0.8 + 0.4·cos of
  the two domain profiles (1 when either side has no domain term).
* industry_factor: both carry an industry → ×1.1 same / ×0.95 different.

That lexical ranking is fused with a semantic one (cosine of sentence-encoder vectors, `semantic.py`)
by reciprocal rank fusion (`fusion.py`); ``Options(semantic=False)`` gives the lexical ranking alone.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .fusion import DEPTH, RRF_K, SEMANTIC_WEIGHT, fuse
from .index import BM25Index
from .lexicon import DomainLexicon, Segmenter, Thesaurus, get_lexicon, get_segmenter, get_thesaurus, normalize
from .semantic import DIM, get_encoder, record_text

FIELD_WEIGHTS = {"title": 2.0, "description": 1.0, "keywords": 2.0}


@dataclass
class Record:
    id: str
    title: str
    description: str = ""
    keywords: str | list[str] = ""
    domain: str | None = None  # high-tech domain code/name when known (DB records)
    industry: str | None = None

    def keyword_text(self) -> str:
        if isinstance(self.keywords, (list, tuple)):
            return " ".join(self.keywords)
        return (self.keywords or "").replace("；", " ").replace(";", " ").replace("、", " ").replace(",", " ").replace("，", " ")


@dataclass
class Match:
    id: str
    score: float  # the fused score (×100); the lexical score alone with Options(semantic=False)
    reasons: list[str]
    similarity: float = 0.0  # cosine of the two records' sentence vectors

    def as_dict(self, key: str = "achievement") -> dict:
        return {key: self.id, "score": round(self.score, 3), "reasons": self.reasons}


@dataclass
class Analysis:
    tf: dict[str, float]  # field-weighted term frequencies (incl. concept tokens)
    title_kw_terms: set[str]
    concepts: dict[int, list[str]]  # concept id -> surface triggers
    profile: dict[str, float]  # inferred domain profile
    text: str  # normalized full text (kept only with MatchEngine(store_text=True); not needed for matching)
    surface: dict[str, str] = field(default_factory=dict)


@dataclass
class Options:
    concepts: bool = True
    cilin: bool = True
    vectors: bool = True
    domain: bool = True
    concept_weight: float = 0.6
    cilin_weight: float = 0.45
    vector_weight: float = 0.5
    vector_threshold: float = 0.75
    vector_k: int = 5
    expansion_budget: float = 0.5
    semantic: bool = True
    lexical: bool = True
    rrf_k: int = RRF_K
    semantic_weight: float = SEMANTIC_WEIGHT


class _Side(BM25Index):
    """BM25 index plus per-slot domain/industry data for one kind of record."""

    def __init__(self, n_domains: int):
        super().__init__()
        self.n_domains = n_domains
        self.profiles = np.zeros((self._cap, n_domains), dtype=np.float32)
        self.dom = np.full(self._cap, -1, dtype=np.int32)
        self.ind = np.full(self._cap, -1, dtype=np.int32)
        self.vecs = np.zeros((self._cap, DIM), dtype=np.float32)  # zero rows: no vector (removed, or no encoder)
        self.analyses: list[Analysis | None] = []

    def on_grow(self, cap: int) -> None:
        for name, fill in (("profiles", 0), ("dom", -1), ("ind", -1), ("vecs", 0)):
            old = getattr(self, name)
            new = np.full((cap,) + old.shape[1:], fill, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def remove(self, doc_id: str) -> bool:
        slot = self.slot_of.get(doc_id)
        if slot is not None:
            self.vecs[slot] = 0  # a removed record is similar to nothing (compaction may come later)
        return super().remove(doc_id)

    def compact_slots(self, keep: np.ndarray) -> None:
        n = len(keep)
        for name, fill in (("profiles", 0), ("dom", -1), ("ind", -1), ("vecs", 0)):
            arr = getattr(self, name)
            arr[:n] = arr[keep]
            arr[n:] = fill
        self.analyses = [self.analyses[s] for s in keep]


class MatchEngine:
    """Holds an achievement index and a demand index; both accept add/update/remove at any time."""

    def __init__(self, options: Options | None = None, *, store_text: bool = False):
        self.opt = options or Options()
        self.lex: DomainLexicon = get_lexicon()
        self.seg: Segmenter = get_segmenter()
        self.thes: Thesaurus | None = get_thesaurus() if (self.opt.cilin or self.opt.vectors) else None
        self.domains = self.lex.domains
        self._codes: dict[str, int] = {}
        self.store_text = store_text
        self.encoder = get_encoder() if self.opt.semantic else None
        self.achievements = _Side(len(self.domains))
        self.demands = _Side(len(self.domains))

    # -------------------------------------------------------------- analysis

    def analyze(self, rec: Record) -> Analysis:
        fields = {"title": rec.title, "description": rec.description, "keywords": rec.keyword_text()}
        tf: Counter = Counter()
        surface: dict[str, str] = {}
        title_kw: set[str] = set()
        for name, raw in fields.items():
            text = normalize(raw)
            if not text:
                continue
            for t in self.seg.tokens(text):
                tf[t] += FIELD_WEIGHTS[name]
                if name != "description":
                    title_kw.add(t)
        full = normalize(" ".join(v for v in fields.values() if v))
        for t in tf:
            if re.search(r"[a-z]", t):  # show "COD", "VOCs治理" as written, not lower-cased
                m = re.search(re.escape(t), unicodedata.normalize("NFKC", " ".join(fields.values())), re.I)
                if m:
                    surface[t] = m.group(0)
        concepts = self.lex.find_concepts(full) if self.opt.concepts else {}
        # A concept link must bridge technical wording on at least one side: a document gets ``§k``
        # when it uses a technical term of concept k and ``§k~`` when it only uses business cues;
        # a query built from cues looks for ``§k`` only (cue-to-cue overlap is plain BM25's job).
        for cid, trig in concepts.items():
            tok = self.lex.concepts[cid].token
            if any(self.lex.is_term(cid, t) for t in trig):
                tf[tok] += 1.0
            else:
                tf[tok + "~"] += 1.0
        profile = self.lex.domain_profile(full, concepts) if self.opt.domain else {}
        return Analysis(dict(tf), title_kw, concepts, profile, full if self.store_text else "", surface)

    def _code(self, value: str | None) -> int:
        if not value:
            return -1
        return self._codes.setdefault(str(value), len(self._codes))

    def _profile_vec(self, profile: dict[str, float]) -> np.ndarray:
        v = np.zeros(len(self.domains), dtype=np.float32)
        for d, x in profile.items():
            v[self.domains.index(d)] = x
        n = float(np.linalg.norm(v))
        return v / n if n else v

    # -------------------------------------------------------------- writes

    def embed(self, records: list[Record]) -> np.ndarray:
        """Unit vectors of the records (zero rows when there is no encoder)."""
        if self.encoder is None:
            return np.zeros((len(records), DIM), dtype=np.float32)
        return self.encoder.encode([record_text(r.title, r.keyword_text(), r.description) for r in records])

    def _upsert(self, side: _Side, rec: Record, vec: np.ndarray | None = None) -> Analysis:
        a = self.analyze(rec)
        slot = side.add(str(rec.id), a.tf)
        side.vecs[slot] = self.embed([rec])[0] if vec is None else vec
        while len(side.analyses) <= slot:
            side.analyses.append(None)
        side.analyses[slot] = a
        side.profiles[slot] = self._profile_vec(a.profile)
        side.dom[slot] = self._code(rec.domain and f"d:{rec.domain}")
        side.ind[slot] = self._code(rec.industry and f"i:{rec.industry}")
        return a

    def upsert_achievement(self, rec: Record) -> None:
        self._upsert(self.achievements, rec)

    def upsert_demand(self, rec: Record) -> None:
        self._upsert(self.demands, rec)

    def remove_achievement(self, rec_id: str) -> bool:
        return self.achievements.remove(str(rec_id))

    def remove_demand(self, rec_id: str) -> bool:
        return self.demands.remove(str(rec_id))

    def _bulk(self, side: _Side, records, batch: int = 64) -> None:
        records = list(records)
        for start in range(0, len(records), batch):  # the encoder is ~3× faster per record in batches
            chunk = records[start:start + batch]
            for rec, vec in zip(chunk, self.embed(chunk)):
                self._upsert(side, rec, vec)

    def bulk_achievements(self, records) -> None:
        self._bulk(self.achievements, records)

    def bulk_demands(self, records) -> None:
        self._bulk(self.demands, records)

    # -------------------------------------------------------------- queries

    def expand(self, a: Analysis, side: BM25Index | None = None) -> tuple[dict[str, float], dict[str, tuple[str, str]]]:
        """Weighted query terms and, for each expanded term, (origin, kind) for the reasons.

        Thesaurus/vector expansions of one word share a budget: together they weigh at most
        ``expansion_budget`` × the word's own weight (a word with many neighbours must not outweigh
        itself and drag the query off topic). Only expansions occurring in a live record of ``side``
        (the index searched) are kept and counted, so the query does not depend on deleted records."""
        q: dict[str, float] = {}
        origin: dict[str, tuple[str, str]] = {}
        for t in a.tf:
            if t.startswith("§"):
                continue
            q[t] = 1.5 if t in a.title_kw_terms else 1.0
        words = [t for t in q if not t.isascii()]
        if self.thes is not None and (self.opt.cilin or self.opt.vectors):
            cand: dict[str, dict[str, tuple[float, str]]] = {t: {} for t in words}
            if self.opt.cilin:
                for t in words:
                    for s in self.thes.cilin_synonyms(t):
                        cand[t][s] = (self.opt.cilin_weight, "cilin")
            if self.opt.vectors:
                nn = self.thes.neighbours(words, self.opt.vector_k, self.opt.vector_threshold)
                for t, lst in nn.items():
                    for s, cos in lst:
                        w = self.opt.vector_weight * cos
                        if w > cand[t].get(s, (0.0, ""))[0]:
                            cand[t][s] = (w, "vector")
            for t, ex in cand.items():
                ex = {s: v for s, v in ex.items() if s not in q or s in origin}
                if side is not None:
                    ex = {s: v for s, v in ex.items() if side.live_term(s)}
                total = sum(w for w, _ in ex.values())
                scale = min(1.0, self.opt.expansion_budget / total) if total else 1.0
                for s, (w, kind) in ex.items():
                    w = w * scale * q[t]
                    if s not in q or q[s] < w:
                        q[s] = w
                        origin[s] = (t, kind)
        for cid, trig in a.concepts.items():
            tok = self.lex.concepts[cid].token
            q[tok] = self.opt.concept_weight
            origin[tok] = ("", "concept")
            if any(self.lex.is_term(cid, t) for t in trig):
                q[tok + "~"] = self.opt.concept_weight
                origin[tok + "~"] = ("", "concept")
        return q, origin

    def _rank(self, side: _Side, a: Analysis, vec: np.ndarray, domain: str | None, industry: str | None,
              top: int) -> list[Match]:
        if not len(side) or top < 1:
            return []
        q, origin = self.expand(a, side)
        lexical = self._lexical(side, a, q, domain, industry) if self.opt.lexical else np.zeros(0)
        semantic = side.vecs[: len(side.ids)] @ vec if vec.any() else np.zeros(0)
        lex_order = _best(lexical, DEPTH, side.ids)
        sem_order = _best(semantic, DEPTH, side.ids)
        if self.encoder is None or not len(sem_order):
            chosen = [(s, float(lexical[s])) for s in lex_order[:top]]
        elif not self.opt.lexical:
            chosen = [(s, float(semantic[s])) for s in sem_order[:top]]
        else:
            slot = {side.ids[s]: s for s in list(lex_order) + list(sem_order)}
            fused = fuse([side.ids[s] for s in lex_order], [side.ids[s] for s in sem_order], top,
                                self.opt.rrf_k, self.opt.semantic_weight)
            chosen = [(slot[i], score) for i, score in fused]
        close = set(sem_order[:top].tolist())
        out = []
        for s, score in chosen:
            similarity = float(semantic[s]) if len(semantic) else 0.0
            reasons = self._reasons(side, s, a, q, origin, domain, industry)
            if s in close:
                reasons.insert(min(2, len(reasons)), semantic_reason(similarity))
            out.append(Match(side.ids[s], score, reasons[:4], similarity))
        return out

    def _lexical(self, side: _Side, a: Analysis, q: dict[str, float], domain: str | None, industry: str | None) -> np.ndarray:
        """BM25 of the expanded query × the domain and industry factors, one score per slot."""
        scores = side.score(q)
        n = len(scores)
        factor = np.ones(n, dtype=np.float32)
        if self.opt.domain:
            qd = self._codes.get(f"d:{domain}", -2) if domain else -1
            dom = side.dom[:n]
            if qd != -1:
                known = dom >= 0
                factor[known] = np.where(dom[known] == qd, 1.2, 0.8)
            qv = self._profile_vec(a.profile)
            if qv.any():
                prof = side.profiles[:n]
                has = prof.any(axis=1)
                if qd != -1:
                    has &= dom < 0
                cos = prof[has] @ qv
                factor[has] *= 0.8 + 0.4 * cos
            qi = self._codes.get(f"i:{industry}", -2) if industry else -1
            if qi != -1:
                ind = side.ind[:n]
                known = ind >= 0
                factor[known] *= np.where(ind[known] == qi, 1.1, 0.95)
        return scores * factor

    def match_demand(self, demand: Record | str, top: int = 10) -> list[Match]:
        """Achievements for a demand (a Record, or the id of an indexed demand)."""
        rec_a, vec, dom, ind = self._query(self.demands, demand)
        return self._rank(self.achievements, rec_a, vec, dom, ind, top)

    def match_achievement(self, achievement: Record | str, top: int = 10) -> list[Match]:
        """Demands for an achievement (a Record, or the id of an indexed achievement)."""
        rec_a, vec, dom, ind = self._query(self.achievements, achievement)
        return self._rank(self.demands, rec_a, vec, dom, ind, top)

    def query_terms(self, rec: Record) -> tuple[Analysis, dict[str, float], np.ndarray]:
        """A query's analysis, its expanded weighted terms and its sentence vector (for an index kept
        elsewhere, e.g. in the database)."""
        a = self.analyze(rec)
        q, _origin = self.expand(a)
        return a, q, self.embed([rec])[0]

    def explain(self, query: Record, candidates: list[tuple[Record, np.ndarray, float]]) -> dict[str, list[str]]:
        """Reasons a person reads for ranked candidates [(record, vector, similarity)] found elsewhere:
        the shared terms and bridged concepts (computed over the candidates alone) and 语义相近 for the
        candidates given a positive similarity."""
        side = _Side(len(self.domains))
        for rec, vec, _sim in candidates:
            self._upsert(side, rec, vec)
        a = self.analyze(query)
        q, origin = self.expand(a, side)
        out = {}
        for rec, _vec, sim in candidates:
            reasons = self._reasons(side, side.slot_of[str(rec.id)], a, q, origin, query.domain, query.industry)
            if sim > 0:
                reasons.insert(min(2, len(reasons)), semantic_reason(sim))
            out[str(rec.id)] = reasons[:4]
        return out

    def _query(self, side: _Side, q: Record | str):
        if isinstance(q, Record):
            return self.analyze(q), self.embed([q])[0], q.domain, q.industry
        slot = side.slot_of[str(q)]
        a = side.analyses[slot]
        rev = {v: k for k, v in self._codes.items()}
        dom = rev.get(int(side.dom[slot]), "d:")[2:] or None
        ind = rev.get(int(side.ind[slot]), "i:")[2:] or None
        return a, side.vecs[slot], dom, ind

    # -------------------------------------------------------------- reasons

    def _reasons(self, side: _Side, slot: int, qa: Analysis, q: dict[str, float],
                 origin: dict[str, tuple[str, str]], domain: str | None, industry: str | None) -> list[str]:
        contrib = side.term_weights(slot, q)
        da = side.analyses[slot]
        direct = [t for t in contrib if t not in origin]
        # drop sub-words of a longer shared term ("能效" when "能效诊断" is shared too)
        direct = [t for t in direct if not any(t != s and t in s for s in direct)]
        shown = sorted(direct, key=lambda t: -contrib[t])
        reasons = []
        def show(t: str) -> str:
            return (da.surface.get(t) if da else None) or qa.surface.get(t) or t

        if shown:
            reasons.append("共同关键词：" + "、".join(show(t) for t in shown[:4]))
        links = []
        for t in sorted((t for t in contrib if t in origin), key=lambda t: -contrib[t]):
            src, kind = origin[t]
            if kind == "concept":
                cid = int(t[1:].rstrip("~"))
                qs = qa.concepts.get(cid, [])
                ds = da.concepts.get(cid, []) if da else []
                terms = self.lex.concepts[cid].terms
                ds = [y for y in ds if y in terms] + [y for y in ds if y not in terms]
                pair = next(((x, y) for x in qs for y in ds if x != y), None)
                if pair:  # the same word on both sides is already among the shared keywords
                    links.append(f"{show(pair[0])}→{show(pair[1])}")
            else:
                links.append(f"{show(src)}≈{show(t)}")
        if links:
            seen: list[str] = []
            for l in links:
                if l not in seen:
                    seen.append(l)
            reasons.append("语义关联：" + "、".join(seen[:3]))
        if self.opt.domain:
            ddom = self._rev(int(side.dom[slot]))
            if domain and ddom:
                if ddom == domain:
                    reasons.append(f"同属高新技术领域：{domain}")
            else:
                shared = self._shared_domain(qa.profile, da.profile if da else {})
                if shared:
                    reasons.append(f"领域相近：{shared}（按术语推断）")
            dind = self._rev(int(side.ind[slot]))
            if industry and dind and dind == industry:
                reasons.append(f"同一行业：{industry}")
        return reasons

    def _rev(self, code: int) -> str | None:
        if code < 0:
            return None
        for k, v in self._codes.items():
            if v == code:
                return k[2:]
        return None

    @staticmethod
    def _shared_domain(p: dict[str, float], r: dict[str, float]) -> str | None:
        both = {d: math.sqrt(p[d] * r[d]) for d in p.keys() & r.keys()}
        return max(both, key=both.get) if both else None


def semantic_reason(similarity: float) -> str:
    return f"语义相近（相似度 {similarity:.2f}）"


def _best(scores: np.ndarray, depth: int, ids: list[str]) -> np.ndarray:
    """Slots of the `depth` highest positive scores, best first (ties by id)."""
    cand = np.flatnonzero(scores > 0)
    if len(cand) > depth:
        cand = cand[np.argpartition(-scores[cand], depth - 1)[:depth]]
    return cand[np.lexsort((np.array([ids[s] for s in cand]), -scores[cand]))] if len(cand) else cand


def rank_owners(matches: list[Match], owner_of: dict[str, str], top: int = 10) -> list[tuple[str, float, list[str]]]:
    """Institutions behind the matched achievements: best score plus a small bonus per further match."""
    agg: dict[str, list[float]] = {}
    ids: dict[str, list[str]] = {}
    for m in matches:
        o = owner_of.get(m.id)
        if o is None:
            continue
        agg.setdefault(o, []).append(m.score)
        ids.setdefault(o, []).append(m.id)
    ranked = [(o, max(s) + 0.1 * (sum(s) - max(s)), ids[o]) for o, s in agg.items()]
    ranked.sort(key=lambda x: (-x[1], x[0]))
    return ranked[:top]
