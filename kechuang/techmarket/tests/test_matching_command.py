"""`kechuang match` on CSV files, and the CSV reader's messages."""
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from kechuang.techmarket.matching.csvio import CsvError, read_records

EVALSET = Path(__file__).resolve().parents[1] / "matching" / "evalset"
HEADER = "id,title,description,keywords\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_reader_accepts_bom_and_empty_keywords(tmp_path):
    f = write(tmp_path / "d.csv", "\ufeff" + HEADER + "D1,电费太高,商场电费太高,\nD2,打针,一天打一针,\"注射,缓释\"\n")
    recs = read_records(f)
    assert [r.id for r in recs] == ["D1", "D2"]
    assert recs[0].keywords == "" and recs[1].keyword_text() == "注射 缓释"


@pytest.mark.parametrize(
    "content, encoding, message",
    [
        ("id,title\nD1,x\n", "utf-8", "文件 d.csv 缺少必需的列：description（描述）"),
        (HEADER + "D1,标题,,\n", "utf-8", "文件 d.csv 第 2 行：description（描述）列为空"),
        (HEADER + "D1,电费,电费太高,\n", "gbk", "文件 d.csv 不是 UTF-8 编码"),
        (HEADER + "D1,a,b,\nD1,c,d,\n", "utf-8", "第 3 行：id（编号）“D1”与第 2 行重复"),
        ("", "utf-8", "文件 d.csv 为空"),
    ],
)
def test_reader_messages(tmp_path, content, encoding, message):
    with pytest.raises(CsvError) as e:
        read_records(write(tmp_path / "d.csv", content, encoding))
    assert message in str(e.value)


def test_match_command_outputs_json_lines_in_input_order(capsys):
    call_command("match", demands=str(EVALSET / "demands.csv"), achievements=str(EVALSET / "achievements.csv"), top=3)
    out = capsys.readouterr().out.strip().splitlines()
    rows = [json.loads(line) for line in out]
    assert [r["demand"] for r in rows] == [f"D{i:02d}" for i in range(1, 26)]
    for r in rows:
        assert 0 < len(r["matches"]) <= 3
        scores = [m["score"] for m in r["matches"]]
        assert scores == sorted(scores, reverse=True)
        assert all(set(m) == {"achievement", "score", "reasons"} and m["reasons"] for m in r["matches"])
    # the command is a thin wrapper: same ranking as the engine called directly
    from kechuang.techmarket.matching import MatchEngine

    eng = MatchEngine()
    eng.bulk_achievements(read_records(EVALSET / "achievements.csv"))
    d02 = read_records(EVALSET / "demands.csv")[1]
    assert [m["achievement"] for m in rows[1]["matches"]] == [m.id for m in eng.match_demand(d02, top=3)]


def test_match_command_bad_file_exits_2_with_nothing_on_stdout(tmp_path, capsys):
    bad = write(tmp_path / "needs.csv", HEADER + "D1,标题,,\n")
    with pytest.raises(SystemExit) as e:
        call_command("match", demands=str(bad), achievements=str(EVALSET / "achievements.csv"), top=3)
    assert e.value.code == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert "文件 needs.csv 第 2 行：description（描述）列为空" in cap.err
