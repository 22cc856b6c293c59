"""The upload page: officers only, preview before commit, the file tied to the uploading session."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from kechuang.core.imports.views import upload_dir
from kechuang.registry.models import Enterprise
from kechuang.registry.tests.test_import_registry import A, B, ENTERPRISE_HEADERS, csv, enterprise_line

pytestmark = pytest.mark.django_db

GOOD = csv(ENTERPRISE_HEADERS, enterprise_line(), enterprise_line(uscc=B, name="生态城生物医药有限公司"))
BAD = csv(ENTERPRISE_HEADERS, enterprise_line(), enterprise_line(uscc=B, region="120199999"))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, data: bytes, name="企业.csv", kind="enterprises"):
    return client.post("/import/", {"kind": kind, "file": SimpleUploadedFile(name, data)})


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_only_officers_may_import(client, make_user):
    assert client.get("/import/").status_code == 302  # to the login page
    client.force_login(make_user("enterprise"))
    assert client.get("/import/").status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert not Enterprise.objects.exists()


def test_preview_then_confirm(officer_client):
    response = upload(officer_client, GOOD)
    assert response.status_code == 302
    preview_url = response["Location"]
    [stored] = list(upload_dir().glob("*.upload"))
    assert stored.stem in preview_url

    page = officer_client.get(preview_url)
    assert page.context["counts"]["created"] == 2
    assert "生态城生物医药有限公司" in page.content.decode()
    # What waits on disk (the file and the preview's summary) is ciphertext: its words are not there.
    on_disk = [path.read_bytes() for path in upload_dir().iterdir()]
    assert len(on_disk) == 2 and all("生态城生物医药".encode() not in data and b"91120116" not in data for data in on_disk)
    assert not Enterprise.objects.exists()

    done = officer_client.post(preview_url, follow=True)
    assert Enterprise.objects.count() == 2
    assert "2" in str(list(done.context["messages"])[0])
    assert not stored.exists()

    again = officer_client.post(preview_url)
    assert again.status_code == 302 and again["Location"] == "/import/"
    assert Enterprise.objects.count() == 2


def test_rejected_file_lists_each_problem_and_offers_the_error_workbook(officer_client):
    preview_url = upload(officer_client, BAD)["Location"]
    page = officer_client.get(preview_url)
    html = page.content.decode()
    assert "行政区划代码 120199999 不在统计用区划代码表中" in html and "<td class=\"num\">3</td>" in html
    errors = officer_client.get(preview_url + "errors.xlsx")
    rows = list(load_workbook(io.BytesIO(errors.content))["数据"].iter_rows(values_only=True))
    assert rows[0][-1] == "错误" and rows[2][-1] == "[行政区划代码] 行政区划代码 120199999 不在统计用区划代码表中"
    confirmed = officer_client.post(preview_url)
    assert confirmed.status_code == 302 and not Enterprise.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_named_on_the_preview(officer_client):
    page = officer_client.get(upload(officer_client, b"\x89PNG\r\n\x1a\n\x00\x00binary", name="logo.xlsx")["Location"])
    assert "文件不是电子表格（.xlsx 或 .csv），无法读取" in page.content.decode()


def test_an_upload_is_reachable_only_from_its_own_session(officer_client, make_user):
    preview_url = upload(officer_client, GOOD)["Location"]
    other = Client()
    other.force_login(make_user("officer"))
    response = other.post(preview_url)
    assert response.status_code == 302 and response["Location"] == "/import/"
    assert not Enterprise.objects.exists()
    assert officer_client.get(preview_url).status_code == 200


def test_a_file_over_the_limit_is_refused_before_it_is_stored(officer_client, settings):
    settings.KECHUANG_IMPORT_MAX_BYTES = 1024 * 1024
    page = upload(officer_client, b"a,b\n" + b"1,2\n" * 300_000)
    assert page.status_code == 200
    assert "文件大小 1.1 MB 超过上限 1 MB" in page.content.decode()
    assert not upload_dir().exists() or not list(upload_dir().glob("*.upload"))


def test_templates_download(officer_client):
    response = officer_client.get("/import/template/yearly.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]["A1"].value == "统一社会信用代码" and book.worksheets[0]["M1"].value == "净资产(万元)"


def test_reimport_preview_says_nothing_would_change(officer_client):
    officer_client.post(upload(officer_client, GOOD)["Location"])
    page = officer_client.get(upload(officer_client, GOOD)["Location"])
    counts = page.context["counts"]
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 2)
    assert A in page.content.decode()


def test_the_old_addresses_lead_to_the_import_pages(officer_client):
    assert officer_client.get("/registry/import/")["Location"] == "/import/"
    assert officer_client.get("/registry/import/template/yearly.xlsx")["Location"] == "/import/template/yearly.xlsx"


def test_the_preview_parses_the_file_once(officer_client, monkeypatch):
    location = upload(officer_client, BAD)["Location"]
    first = officer_client.get(location)
    errors = officer_client.get(location + "errors.xlsx").content

    def parse_again(*args, **kwargs):
        raise AssertionError("the upload was parsed again")

    monkeypatch.setattr("kechuang.core.imports.views.read_table", parse_again)
    again = officer_client.get(location)
    assert again.context["problems"] == first.context["problems"] and again.context["problem_count"] == 1
    assert officer_client.get(location + "errors.xlsx").content == errors
