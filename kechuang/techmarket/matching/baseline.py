"""Baselines: plain character bigrams (no segmentation, no lexicon), ranked by TF-IDF cosine or by BM25."""

from __future__ import annotations

import math
import re
from collections import Counter

from .index import BM25Index
from .lexicon import normalize


def bigrams(text: str) -> Counter:
    out: Counter = Counter()
    for run in re.findall(r"[\w\u4e00-\u9fff]+", normalize(text)):
        if len(run) == 1:
            out[run] += 1
        for i in range(len(run) - 1):
            out[run[i : i + 2]] += 1
    return out


class BigramTfidf:
    def __init__(self, docs: dict[str, str]):
        self.ids = list(docs)
        tfs = [bigrams(docs[i]) for i in self.ids]
        df: Counter = Counter()
        for tf in tfs:
            df.update(tf.keys())
        n = len(tfs)
        self.idf = {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}  # smooth idf (as sklearn)
        self.vecs = [self._vec(tf) for tf in tfs]

    def _vec(self, tf: Counter) -> dict[str, float]:
        v = {t: c * self.idf[t] for t, c in tf.items() if t in self.idf}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    def rank(self, text: str, top: int = 10) -> list[tuple[str, float]]:
        q = self._vec(bigrams(text))
        scored = []
        for i, v in zip(self.ids, self.vecs):
            s = sum(w * v[t] for t, w in q.items() if t in v)
            if s > 0:
                scored.append((i, s))
        scored.sort(key=lambda x: (-x[1], x[0]))
        return scored[:top]


class BigramBM25:
    """Character bigrams ranked by Lucene BM25 (k1 = 1.5, b = 0.75), the index the engine uses."""

    def __init__(self, docs: dict[str, str]):
        self.index = BM25Index()
        for doc_id, text in docs.items():
            self.index.add(doc_id, dict(bigrams(text)))

    def rank(self, text: str, top: int = 10) -> list[tuple[str, float]]:
        scores = self.index.score({t: 1.0 for t in bigrams(text)})
        scored = [(self.index.ids[s], float(scores[s])) for s in range(len(scores)) if scores[s] > 0]
        scored.sort(key=lambda x: (-x[1], x[0]))
        return scored[:top]
