"""A list export larger than EXPORT_SYNC_ROWS is written by a worker; the page shows its progress and
then offers the file, to the user who asked for it only."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from kechuang.core.exports import table_rows
from kechuang.core.models import ExportJob


@pytest.fixture
def background(settings, tmp_path):
    settings.EXPORT_SYNC_ROWS = 5
    settings.EXPORTS_SPAWN = False
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_a_large_export_is_written_in_the_background(background, client, officer, make_user, make_enterprise):
    names = sorted(make_enterprise().name for _ in range(7))
    client.force_login(officer)
    response = client.get(reverse("registry:enterprises"), {"export": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:export", args=[job.pk])
    waiting = client.get(response["Location"])
    assert 'http-equiv="refresh"' in waiting.content.decode() and waiting.context["job"].percent == 0
    call_command("exports", "run")
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total) == (ExportJob.State.DONE, 7, 7)
    ready = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in ready and "?download=1" in ready
    download = client.get(response["Location"], {"download": 1})
    rows = table_rows(b"".join(download.streaming_content))
    assert len(rows) == 8 and sorted(row[0] for row in rows[1:]) == names
    client.force_login(make_user("officer"))
    assert client.get(response["Location"], {"download": 1}).status_code == 404


@pytest.mark.django_db
def test_the_worker_asks_the_page_as_the_user_so_a_refused_export_fails(background, make_user, make_enterprise):
    for _ in range(7):
        make_enterprise()
    job = ExportJob.objects.create(user=make_user("provider"), path=reverse("registry:enterprises") + "?export=xlsx",
                                   filename="export.xlsx", rows_total=7)
    call_command("exports", "run", "--job", str(job.pk))
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and not job.file


@pytest.mark.django_db(transaction=True)
def test_the_worker_finishes_while_other_requests_write(background, monkeypatch, officer, make_enterprise):
    """The progress page the user watches writes (its session, the audit) while the worker runs; the
    worker's progress updates between chunks must wait their turn, never fail on a read snapshot taken
    before those writes (SQLite: "database is locked")."""
    from django.db import connections

    from kechuang.core import exports, views

    monkeypatch.setattr(views, "EXPORT_CHUNK", 3)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    # Column widths are taken from the first rows before any is written: keep that sample inside the first
    # chunk, so that progress is written while the list is still being read.
    monkeypatch.setattr(exports, "SAMPLE_ROWS", 2)
    for _ in range(12):
        make_enterprise()
    job = ExportJob.objects.create(user=officer, path=reverse("registry:enterprises") + "?export=xlsx",
                                   filename="export.xlsx", rows_total=12)
    prepare_rows = views.ObjectListView.prepare_rows

    def another_request_writes_first(view, rows):
        other = connections.create_connection("default")  # another web worker's connection
        with other.cursor() as cursor:
            cursor.execute("UPDATE core_user SET first_name = %s WHERE id = %s", [f"{len(rows)}", officer.pk])
        other.close()
        return prepare_rows(view, rows)

    monkeypatch.setattr(views.ObjectListView, "prepare_rows", another_request_writes_first)
    exports.run_export(ExportJob.objects.select_related("user").get(pk=job.pk))
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.error) == (ExportJob.State.DONE, 12, "")
