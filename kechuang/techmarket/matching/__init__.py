"""Matching engine for the technology market (pure Python, no Django imports).

    from kechuang.techmarket.matching import MatchEngine, Record
    eng = MatchEngine()
    eng.upsert_achievement(Record("A1", "建筑能效诊断", "…", "能效;节能"))
    eng.match_demand(Record("D1", "电费太高", "…"), top=10)
"""

from .engine import Analysis, Match, MatchEngine, Options, Record, rank_owners

__all__ = ["Analysis", "Match", "MatchEngine", "Options", "Record", "rank_owners"]
