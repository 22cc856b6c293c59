"""The matching index kept in the database rows: written with the record, shared by every process,
robust to bad input and to queries during a rebuild."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from kechuang.core.tests.test_production_server import database_url_for_a_subprocess
from kechuang.techmarket import fulltext, matcher, services
from kechuang.techmarket.choices import AchievementStatus
from kechuang.techmarket.matcher import DatabaseIndex, index
from kechuang.techmarket.matching.semantic import DIM, from_bytes
from kechuang.techmarket.models import Achievement, Demand, MatchCentroid, MatchTerm

pytestmark = pytest.mark.django_db

ENERGY = dict(title="公共建筑空调能效诊断与节能改造", summary="采集冷水机组与水泵运行数据，诊断空调系统能效并优化控制，降低电耗。", keywords="能效诊断；节能")
DRUG = dict(title="长效缓释微球注射剂", summary="可生物降解微球包载多肽药物，一次注射维持一个月。", keywords="缓释；微球")
COLD = dict(title="冷库制冷系统变频改造", summary="变频压缩机群控与按需除霜，冷藏库节电百分之二十五。", keywords="制冷；变频")


def ranked(demand, top=10):
    return [pk for pk, _score, _reasons in index.achievements_for(demand, top)]


def test_a_record_is_indexed_by_the_statement_that_saves_it(make_achievement, make_demand):
    demand = make_demand(title="商场电费太高", problem="商场空调一直开着，电费太高，想降低能耗。")
    with transaction.atomic():
        energy = make_achievement(**ENERGY)
        row = Achievement.objects.get(pk=energy.pk)
        assert "能效" in row.match_terms.split() and len(bytes(row.match_vector)) == DIM * 4
        assert ranked(demand)[0] == energy.pk  # found inside the writing transaction, before commit


def test_no_process_keeps_its_own_index(make_achievement, make_demand):
    energy, drug = make_achievement(**ENERGY), make_achievement(**DRUG)
    demand = make_demand(title="药物一天打一针", problem="患者每天都要注射一次，希望延长给药间隔。")
    first = index.achievements_for(demand)
    fresh = DatabaseIndex()  # as a second web worker would start
    assert fresh.achievements_for(demand) == first and first[0][0] == drug.pk
    # a write through the ORM behind any index object is seen by both at once
    Achievement.objects.filter(pk=drug.pk).update(status=AchievementStatus.WITHDRAWN)
    assert drug.pk not in ranked(demand) and drug.pk not in [pk for pk, _s, _r in fresh.achievements_for(demand)]
    assert energy.pk  # still there for other demands


def test_reasons_name_shared_terms_and_semantic_closeness(make_achievement, make_demand):
    make_achievement(**COLD)
    demand = make_demand(title="冷库电费太高", problem="速冻食品厂的冷库压缩机全天运行，耗电大，想节能。")
    [(pk, score, reasons)] = index.achievements_for(demand, 1)
    assert score > 0 and any(r.startswith("共同关键词：") for r in reasons)
    assert any(r.startswith("语义相近（相似度 ") for r in reasons)


def test_both_directions_and_owners(make_achievement, make_demand, institution):
    energy = make_achievement(**ENERGY)
    demand = make_demand(title="厂房电费太高", problem="厂房空调和照明耗电大，想做能效诊断和节能改造。")
    make_demand(title="注射太频繁", problem="患者每天注射一次，依从性差。")
    assert index.demands_for(energy)[0][0] == demand.pk
    assert index.institutions_for(demand)[0][0] == institution.pk


@pytest.mark.parametrize("problem", ["空", "1234567890", "energy saving for HVAC chillers", "！！！"])
def test_short_english_digit_and_punctuation_demands_get_a_ranking_not_an_error(make_achievement, make_demand, problem):
    energy = make_achievement(**ENERGY)
    demand = make_demand(title=problem, problem=problem)
    result = index.achievements_for(demand)
    assert all(pk == energy.pk for pk, _s, _r in result)  # a list (possibly empty) of real records
    assert index.demands_for(energy) is not None


def test_an_unsaved_empty_demand_matches_nothing(make_achievement):
    make_achievement(**ENERGY)
    assert index.achievements_for(Demand(title="", problem="")) == []


def test_a_hundred_thousand_character_record_is_indexed_within_bounds(make_achievement, make_demand):
    long = make_achievement(title="超长成果说明", summary="能效诊断与节能改造。" + "冷水机组运行数据采集分析。" * 8000)
    row = Achievement.objects.get(pk=long.pk)
    assert len(row.summary) > 100000 and len(bytes(row.match_vector)) == DIM * 4
    demand = make_demand(title="空调电费太高", problem="空调耗电大，想做能效诊断。")
    assert long.pk in ranked(demand)


def test_a_hundred_thousand_character_demand_is_a_query_like_any_other(make_achievement, make_demand):
    energy, drug = make_achievement(**ENERGY), make_achievement(**DRUG)
    demand = make_demand(title="空调电费太高", problem="商场空调耗电大，想做能效诊断。" + "冷水机组全天运行。" * 11200)
    assert len(demand.problem) > 100000
    assert ranked(demand)[0] == energy.pk and drug.pk not in ranked(demand)[:1]
    assert index.demands_for(energy)[0][0] == demand.pk


@pytest.mark.parametrize("problem", ["空", "1234567890", "energy saving for HVAC chillers", "能效诊断。" * 20000])
def test_the_demand_page_shows_its_ranking_for_bad_input(client, officer, make_achievement, make_demand, problem):
    make_achievement(**ENERGY)
    demand = make_demand(title=problem[:190], problem=problem)
    client.force_login(officer)
    assert client.get(demand.get_absolute_url()).status_code == 200


def test_a_query_during_a_rebuild_sees_a_whole_index_and_the_rebuild_changes_no_ranking(make_achievement, make_demand):
    for fields in (ENERGY, DRUG, COLD):
        make_achievement(**fields)
    for i in range(70):  # more than one batch of 50
        make_achievement(title=f"其他成果{i}", summary=f"与本需求无关的第{i}项材料加工技术。")
    demand = make_demand(title="冷库耗电大", problem="冷藏库压缩机全天开，电费高。")
    before = index.achievements_for(demand)
    during = []
    index.index_rows(Achievement, progress=lambda n: during.append(index.achievements_for(demand)), batch=50)
    assert len(during) == 2 and all(d == before for d in during)
    assert index.achievements_for(demand) == before


def test_rebuild_command_trains_cells_and_the_ranking_survives(make_achievement, make_demand, capsys):
    cold = make_achievement(**COLD)
    for fields in (ENERGY, DRUG):
        make_achievement(**fields)
    demand = make_demand(title="冷库耗电大", problem="冷藏库压缩机全天开，电费高。")
    call_command("match_index", "rebuild", "--cells-from", "2")
    assert MatchCentroid.objects.filter(kind="achievement").count() == 1  # √3 → 1 cell
    assert set(Achievement.objects.values_list("match_cell", flat=True)) == {0}
    assert ranked(demand)[0] == cold.pk
    new = make_achievement(title="冷链仓储相变蓄冷板", summary="夜间低谷电蓄冷，白天释冷，降低冷藏库峰时电费。")
    assert Achievement.objects.get(pk=new.pk).match_cell == 0  # a new record joins its nearest cell
    assert MatchTerm.objects.get(kind="achievement", term="").df == 3  # records counted by the rebuild
    assert MatchTerm.objects.get(kind="achievement", term="冷库").df == 1
    call_command("match_index", "status")
    assert "已索引 4 条" in capsys.readouterr().out


def test_a_warmed_up_worker_runs_the_queries_of_its_hundredth_request_on_its_first(make_achievement, make_demand):
    for fields in (ENERGY, DRUG, COLD):
        make_achievement(**fields)
    call_command("match_index", "rebuild", "--cells-from", "2")
    demand = Demand(title="商场电费太高", problem="商场空调一直开着，电费太高，想降低能耗。")
    matcher._centroid_cache.clear()  # as in a process that has not read the cell centres yet
    worker = DatabaseIndex()
    worker.warm_up()
    with CaptureQueriesContext(connection) as first:
        worker.achievements_for(demand)
    with CaptureQueriesContext(connection) as later:
        worker.achievements_for(demand)
    assert len(first.captured_queries) == len(later.captured_queries)


WORKER = """
import gc, json, sys
from wsgiref.util import setup_testing_defaults
import kechuang.wsgi as wsgi  # what a gunicorn worker imports before it accepts a request
from django.db import connection
from django.test.utils import CaptureQueriesContext

given = json.loads(sys.argv[1])

def get(path):
    environ = {"PATH_INFO": path, "HTTP_AUTHORIZATION": "Token " + given["token"], "HTTP_COOKIE": given["cookie"],
               "HTTP_HOST": "127.0.0.1"}
    setup_testing_defaults(environ)
    status = []
    b"".join(wsgi.application(environ, lambda line, headers: status.append(line)))
    return status[0]

def requests():
    statuses, queries = [], []
    for path in given["paths"]:
        with CaptureQueriesContext(connection) as captured:
            statuses.append(get(path))
        queries.append(len(captured))
    return statuses, queries

out = {"tracked": len(gc.get_objects()), "frozen": gc.get_freeze_count()}
loaded = set(sys.modules)
out["first"] = requests()
out["imported"] = sorted(set(sys.modules) - loaded)
out["second"] = requests()
print(json.dumps(out))
"""


@pytest.mark.django_db(transaction=True)
def test_a_web_worker_starts_so_that_its_first_requests_cost_what_its_second_do(make_achievement, make_demand, officer,
                                                                                 client, settings, tmp_path):
    for fields in (ENERGY, DRUG, COLD):
        make_achievement(**fields)
    demand = make_demand(title="商场电费太高", problem="商场空调一直开着，电费太高，想降低能耗。")
    client.force_login(officer)
    given = {
        "token": Token.objects.create(user=officer).key,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        # the ranking through the API, and the demand's page, which ranks achievements and institutions
        "paths": [f"/api/techmarket/demands/{demand.pk}/achievements/", f"/techmarket/demands/{demand.pk}/"],
    }
    env = {**os.environ, "DATABASE_URL": database_url_for_a_subprocess(tmp_path), "KECHUANG_REQUIRE_OTP": "false"}
    done = subprocess.run([sys.executable, "-c", WORKER, json.dumps(given)], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parents[3], timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["first"][0] == out["second"][0] == ["200 OK", "200 OK"]
    # the URLconf, the views, the templates and what the middleware loads on first use were loaded at start
    assert out["imported"] == []
    assert out["first"][1] == out["second"][1]  # the same statements, request for request
    # the worker's long-lived objects are out of the collector's sight: a full collection during a request
    # traverses what requests allocated, not the ≈ 300,000 objects of the segmenter, thesaurus and Django
    assert out["tracked"] < out["frozen"] / 10


def test_terms_no_record_held_at_the_last_count_do_not_push_out_those_records_hold(make_achievement):
    cold = make_achievement(**COLD)
    for fields in (ENERGY, DRUG):
        make_achievement(**fields)
    index.count_terms(Achievement)
    # a dozen words none of the records holds, each the heaviest a count can weigh, and one they hold
    unseen = {word: 1.0 for word in "区块链 量子 纳米 卫星 基因 疫苗 芯片 光刻 氢能 锂电 机器人 无人机 石墨烯 元宇宙".split()}
    weights, _df = index._weighted_terms(Achievement, {**unseen, "冷库": 0.5})
    assert "冷库" in weights and len(weights) == 1 + matcher.UNSEEN_TERMS
    assert index._lexical(Achievement, {**unseen, "冷库": 0.5}) == [str(cold.pk)]
    # a record written since the count is still found by a word the count has not seen
    new = make_achievement(title="元宇宙展厅", summary="元宇宙数字展厅搭建。")
    assert str(new.pk) in index._lexical(Achievement, {"元宇宙": 1.0})


def test_bulk_written_rows_are_found_after_index_missing(make_achievement, make_demand, institution):
    Achievement.objects.bulk_create([Achievement(owner=institution, maturity=5, status=AchievementStatus.PUBLISHED, **COLD)])
    demand = make_demand(title="冷库耗电大", problem="冷藏库压缩机全天开，电费高。")
    assert ranked(demand) == []
    call_command("match_index", "missing")
    assert ranked(demand) == [Achievement.objects.get().pk]


def test_vectors_round_trip_and_empty_is_zero():
    v = np.arange(DIM, dtype=np.float32)
    from kechuang.techmarket.matching.semantic import to_bytes
    assert np.array_equal(from_bytes(to_bytes(v)), v) and not from_bytes(None).any()


def test_eight_bit_codes_give_the_cosine_within_a_hundredth():
    from kechuang.techmarket.matching.semantic import code_scores, to_code
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2500, DIM)).astype(np.float32)  # more codes than one block widens at a time
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[0] + 0.5 * x[-1]
    q /= np.linalg.norm(q)
    approx = code_scores(b"".join(to_code(v) for v in x), q)
    assert len(approx) == len(x) and len(to_code(x[0])) == DIM + 4 and np.abs(approx - x @ q).max() < 0.01
    assert list(np.argsort(-approx)[:2]) == [0, len(x) - 1]
    assert np.abs(code_scores(to_code(x[5]), q) - approx[5]).max() < 1e-6  # one code, as in a block


def test_the_encoder_runs_with_sockets_disabled(tmp_path):
    code = (
        "import socket\n"
        "def no(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = no; socket.create_connection = no; socket.getaddrinfo = no\n"
        "from kechuang.techmarket.matching.semantic import Encoder\n"
        "v = Encoder().encode(['商场空调电费太高', '公共建筑空调系统能效诊断', '多肽药物长效缓释微球'])\n"
        "print(round(float(v[0] @ v[1]), 3) > round(float(v[0] @ v[2]), 3), v.shape)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parents[3], timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True (3, 512)"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite rebuilds a table to alter it")
def test_a_table_rebuild_then_migrate_leaves_the_full_text_index_working(make_achievement, make_demand):
    cold = make_achievement(**COLD)
    with connection.schema_editor() as editor:
        editor._remake_table(Achievement)  # what Django does on SQLite for most AlterField operations
    energy = make_achievement(**ENERGY)  # written while the triggers are gone
    call_command("migrate", verbosity=0)
    assert fulltext.ensure(connection) == []  # migrate put everything back
    assert str(energy.pk) in index._lexical(Achievement, {"能效": 1.0})  # the row written meanwhile is found
    cold.title = "冷库相变蓄冷板"
    cold.save()  # and the triggers follow writes again
    assert index._lexical(Achievement, {"蓄冷": 1.0}) == [str(cold.pk)]
