"""Evidence attached to a progress report: only allowed kinds are kept, stored outside the static root,
and handed out as a download only to the people who may see the report."""
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.plan.models import Evidence

PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture
def reporting(seed_plan, departments, client, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    task = seed_plan.tasks.get(code="二(五)1")
    task.lead_department = departments["fagai"]
    task.save()
    liaison = make_user("liaison", department=departments["fagai"])
    client.force_login(liaison)
    return task, liaison


def submit(client, task, *files):
    return client.post(
        f"/plan/tasks/{task.pk}/", {"period": "2021-Q1", "percent": 15, "text": "发布人才目录", "evidence": list(files)}
    )


def test_a_liaison_cannot_attach_html(reporting, client):
    task, _liaison = reporting
    response = submit(client, task, SimpleUploadedFile("evil.html", b"<script>alert(document.cookie)</script>"))
    assert response.status_code == 200
    assert "evil.html：类型 .html 不允许上传" in response.content.decode()
    assert not task.reports.exists() and not Evidence.objects.exists()
    renamed = submit(client, task, SimpleUploadedFile("evil.pdf", b"<script>alert(1)</script>"))
    assert "内容不是 PDF 文件" in renamed.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_is_downloaded_only_by_those_who_see_the_report(reporting, client, make_user, departments, officer, settings):
    task, _liaison = reporting
    assert submit(client, task, SimpleUploadedFile("目录.pdf", PDF)).status_code == 302
    evidence = Evidence.objects.get()
    stored = Path(evidence.file.path)
    assert stored.read_bytes() == PDF
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    url = evidence.get_absolute_url()
    assert url in client.get(f"/plan/reports/{evidence.report_id}/").content.decode()

    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]

    client.force_login(officer)
    assert client.get(url).status_code == 200
    client.force_login(make_user("liaison", department=departments["caizheng"]))
    assert client.get(url).status_code == 404
    client.force_login(make_user("enterprise"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    # The file's own address is not served at all.
    assert client.get(f"/{settings.MEDIA_URL}{evidence.file.name}").status_code == 404


def test_an_evidence_file_is_reached_only_through_its_own_report(reporting, client):
    task, _liaison = reporting
    submit(client, task, SimpleUploadedFile("目录.pdf", PDF))
    evidence = Evidence.objects.get()
    assert client.get(f"/plan/reports/{evidence.report_id + 1000}/evidence/{evidence.pk}/").status_code == 404
