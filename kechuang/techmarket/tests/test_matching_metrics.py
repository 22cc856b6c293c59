"""Metric functions on tiny cases computed by hand."""
import math

import pytest

from kechuang.techmarket.matching.metrics import evaluate, ndcg_at_k, recall_at_k, reciprocal_rank


def test_ndcg_hand_computed():
    # DCG = 0/log2(2) + (2^3-1)/log2(3) + (2^1-1)/log2(4) = 7/1.58496 + 0.5
    # IDCG = 7/log2(2) + 1/log2(3)
    expected = (7 / math.log2(3) + 0.5) / (7 + 1 / math.log2(3))
    assert ndcg_at_k(["a", "b", "c"], {"a": 0, "b": 3, "c": 1}) == pytest.approx(expected)
    assert expected == pytest.approx(0.64428, abs=1e-5)


def test_ndcg_perfect_empty_and_cutoff():
    assert ndcg_at_k(["b", "c"], {"b": 3, "c": 1}) == pytest.approx(1.0)
    assert ndcg_at_k(["x"], {"b": 3}) == 0.0
    assert ndcg_at_k(["a"], {}) == 0.0
    # the relevant document at rank 3 does not count at k=2; the ideal list is cut at k too
    assert ndcg_at_k(["x", "y", "b"], {"b": 2}, k=2) == 0.0
    assert ndcg_at_k(["b", "x", "c"], {"b": 1, "c": 1}, k=1) == pytest.approx(1.0)


def test_recall_counts_grade_two_and_up():
    grades = {"a": 3, "b": 2, "c": 1, "d": 2}
    assert recall_at_k(["c", "a", "x"], grades, k=2) == pytest.approx(1 / 3)
    assert recall_at_k(["a", "b", "d"], grades, k=3) == pytest.approx(1.0)
    assert recall_at_k(["c"], grades, k=10, threshold=1) == pytest.approx(1 / 4)


def test_reciprocal_rank():
    assert reciprocal_rank(["x", "c", "b"], {"b": 2, "c": 1}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["b"], {"b": 3}) == 1.0
    assert reciprocal_rank(["x"], {"b": 3}) == 0.0


def test_evaluate_means_over_queries():
    qrels = {"q1": {"a": 3}, "q2": {"b": 2}}
    res = evaluate({"q1": ["a"], "q2": ["x", "b"]}, qrels)
    assert res["mrr"] == pytest.approx((1 + 0.5) / 2)
    assert res["recall@10"] == pytest.approx(1.0)
    assert res["ndcg@10"] == pytest.approx((1 + 1 / math.log2(3)) / 2)
    # a query without a ranking counts as a miss
    assert evaluate({}, qrels)["mrr"] == 0.0
