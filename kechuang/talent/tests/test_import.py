import pytest

from kechuang.core.imports import ImportFailed, error_workbook, read_table
from kechuang.core.models import AuditEntry
from kechuang.talent import crypto
from kechuang.talent.identity import mask_id
from kechuang.talent.importers import TalentImporter
from kechuang.talent.models import Talent
from kechuang.talent.tests.conftest import HEADERS, id_number, talent_row, workbook

pytestmark = pytest.mark.django_db


def problems(error):
    return [str(problem) for problem in error.value.check.problems]


def test_headers_are_exactly_the_contract():
    assert [field.header for field in TalentImporter.fields] == HEADERS


def test_a_good_file_is_written_encrypted_and_a_second_run_changes_nothing(import_talents, make_enterprise):
    employer = make_enterprise()
    numbers = [id_number(serial=f"{n:03d}") for n in (11, 12)]
    rows = [talent_row(employer.uscc, numbers[0]), talent_row(employer.uscc, numbers[1], phone="13600001234", 姓名="赵敏",
                                                            性别="女", 人才计划="", 人才层次="", 认定年份=None, 引进方式="柔性")]
    result = import_talents(rows)
    assert (result.counts.created, result.counts.updated) == (2, 0)
    first = Talent.objects.get(id_index=crypto.blind_index("id", numbers[0]))
    assert first.level.name == "A卡" and first.level.programme.name == "人才绿卡" and first.employer == employer
    assert crypto.decrypt(first.id_cipher) == numbers[0] and crypto.decrypt(first.phone_cipher) == "13812345678"
    assert first.phone_masked == "138****5678"
    assert Talent.objects.get(name="赵敏").mode == "flexible"
    again = import_talents(rows)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    changed = import_talents([talent_row(employer.uscc, numbers[0], phone="13899990000")])
    assert changed.counts.updated == 1
    first.refresh_from_db()
    assert crypto.decrypt(first.phone_cipher) == "13899990000"
    trail = str([(e.changes, e.object_repr) for e in AuditEntry.objects.filter(object_type="talent.talent")])
    assert not any(plain in trail for plain in (*numbers, "13812345678", "13899990000"))


def test_bad_rows_name_row_column_and_reason_and_nothing_is_written(import_talents, make_enterprise):
    employer = make_enterprise()
    good = id_number(serial="021")
    wrong_check = good[:17] + ("0" if good[-1] != "0" else "1")
    rows = [
        talent_row(employer.uscc, good),
        talent_row(employer.uscc, wrong_check),
        talent_row(employer.uscc, id_number(serial="023"), 出生年份=1990),
        talent_row(employer.uscc, id_number(birth="20150101", serial="024"), 出生年份=2015),
        talent_row(employer.uscc, id_number(birth="19200101", serial="025"), 出生年份=1920),
        talent_row("91120116MA05X1234X", id_number(serial="026")),
        talent_row(employer.uscc, id_number(serial="027"), 人才层次="D卡"),
        talent_row(employer.uscc, good),
    ]
    with pytest.raises(ImportFailed) as failed:
        import_talents(rows)
    found = problems(failed)
    assert "第 3 行 [身份证号] 身份证号校验位错误（GB 11643）" in found
    assert "第 4 行 [出生年份] 与身份证号中的出生年份不一致" in found
    assert any(p.startswith("第 5 行 [出生年份] 年龄") and "不满 16" in p for p in found)
    assert any(p.startswith("第 6 行 [出生年份] 年龄") and "超过 100" in p for p in found)
    assert any(p.startswith("第 7 行 [工作单位统一社会信用代码]") for p in found)
    assert any(p.startswith("第 8 行 [人才层次]") and "A卡、B卡、C卡" in p for p in found)
    assert any(p.startswith("第 9 行 [身份证号] 与第 2 行是同一身份证号") for p in found)
    assert not Talent.objects.exists()
    assert not any(good in p or wrong_check in p for p in found)


def test_preview_and_error_workbook_show_masked_numbers(make_enterprise):
    employer = make_enterprise()
    number = id_number(serial="031")
    table = read_table(workbook([talent_row(employer.uscc, number, 出生年份=1999)]), "t.xlsx")
    check = TalentImporter().check(table)
    assert not check.ok
    shown = str(table.rows) + error_workbook(check).decode("latin-1")
    assert number not in str(table.rows) and "13812345678" not in str(table.rows)
    assert "138****5678" in str(table.rows)
    assert number not in shown


def test_the_upload_preview_page_shows_masked_numbers_only(client, make_user, make_enterprise):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(make_user("officer"))
    employer = make_enterprise()
    number = id_number(serial="041")
    upload = SimpleUploadedFile("talents.xlsx", workbook([talent_row(employer.uscc, number), talent_row(employer.uscc, number)]))
    preview = client.post(reverse("core:import"), {"kind": "talents", "file": upload}, follow=True)
    page = preview.content.decode()
    assert "同一身份证号" in page and mask_id(number) in page
    assert number not in page and "13812345678" not in page
