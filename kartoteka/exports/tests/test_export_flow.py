"""Exporting from the list and the API: small selections download at once, large ones become a
job with a download link; the column choice is remembered; files are their owner's and expire."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from kartoteka.accounts.services import api_token_create
from kartoteka.audit.models import AuditEvent
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.errors import NotFound, PermissionDenied, ValidationError
from kartoteka.exports.selectors import export_file, export_get
from kartoteka.exports.services import export_preference_get
from kartoteka.exports.tests.helpers import export, file_of
from kartoteka.jobs.models import Job
from kartoteka.jobs.runner import job_execute
from kartoteka.jobs.services import job_files_expire

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_small_export_from_the_list_downloads_at_once(manager_client, manager):
    clients = ClientFactory.create_batch(3, last_name="Żak")
    ids = [str(c.pk) for c in clients]
    url = reverse("bulk:run", args=["export"])
    page = manager_client.post(url, {"ids": ids, "mode": "ids", "list": "clients"})
    assert page.status_code == 200
    assert "3 clients will be exported." in page.content.decode()
    assert 'name="format"' in page.content.decode()
    assert 'name="columns"' in page.content.decode()
    response = manager_client.post(
        url,
        {"ids": ids, "mode": "ids", "list": "clients", "step": "confirm", "format": "csv", "columns": ["name", "id"]},
    )
    job = Job.objects.get(action="bulk.export")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:file", args=[job.pk])
    download = manager_client.get(response["Location"])
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="clients-' in download["Content-Disposition"]
    rows = _csv(_content(download))
    assert rows[0] == ["Name", "ID"]
    assert sorted(int(r[1]) for r in rows[1:]) == sorted(c.pk for c in clients)
    assert job.started_by == manager
    assert job.seen_at is not None
    # The choice is remembered and offered next time, in its order.
    assert export_preference_get(actor=manager) == ("csv", ["name", "id"])
    again = manager_client.post(url, {"ids": ids, "mode": "ids", "list": "clients"}).content.decode()
    assert again.index('value="name"') < again.index('value="id"') < again.index('value="email"')
    assert '<option value="csv" selected>' in again


def test_the_archive_can_be_exported_too(manager_client, manager):
    archived = ClientFactory(status="inactive", archived_at=timezone.now(), first_name="Zofia")
    ClientFactory(first_name="Aktywna")
    url = reverse("bulk:run", args=["export"])
    data = {"mode": "filter", "filter": "", "list": "archive", "step": "confirm", "format": "csv", "columns": ["id"]}
    response = manager_client.post(url, data)
    rows = _csv(_content(manager_client.get(response["Location"])))
    assert rows == [["ID"], [str(archived.pk)]]


def test_an_employee_may_not_export(employee):
    ClientFactory()
    with pytest.raises(PermissionDenied):
        export(employee, filter_params={}, format="csv")


def test_a_large_export_runs_as_a_job_with_a_download_link(manager, settings, django_capture_on_commit_callbacks):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 4
    settings.KARTOTEKA_BULK_CHUNK = 3
    settings.TASKS = IMMEDIATE
    clients = ClientFactory.create_batch(8)
    with django_capture_on_commit_callbacks(execute=True):
        job = export(manager, filter_params={}, format="csv", columns=["id"])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.total == 8
    assert job.done == 8
    assert job.result["changed"] == 8
    assert job.seen_at is None  # the bell and a toast tell the user it is ready
    assert job.file_expires_at is not None
    assert job.finished_at is not None
    hours = (job.file_expires_at - job.finished_at).total_seconds() / 3600
    assert 23.9 < hours <= 24  # exports are kept KARTOTEKA_EXPORT_FILES_KEEP_HOURS, not the jobs' 72 h
    rows = _csv(file_of(job).read_bytes())
    assert [int(r[0]) for r in rows[1:]] == [c.pk for c in clients]
    event = AuditEvent.objects.get(event_type="exports.clients.exported")
    assert event.details["count"] == 8  # the History shows who exported whom


def test_the_job_page_of_a_large_export_offers_the_file(manager_client, manager, settings):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    ClientFactory.create_batch(3)
    job = export(manager, filter_params={}, format="html")
    job_execute(job_id=job.pk)  # as the worker does
    page = manager_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Exported" in page
    assert reverse("jobs:file", args=[job.pk]) in page
    download = manager_client.get(reverse("jobs:file", args=[job.pk]))
    assert download["Content-Type"] == "text/html; charset=utf-8"


def test_a_queued_export_that_loses_its_worker_is_written_again_whole(manager, settings):
    from kartoteka.jobs.services import job_start

    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    settings.KARTOTEKA_BULK_CHUNK = 2
    ClientFactory.create_batch(5)
    job = export(manager, filter_params={}, format="csv", columns=["id"])
    assert job.status == Job.Status.QUEUED
    # A first attempt died after two chunks: their items were marked, no file was kept.
    job_start(job_id=job.pk)
    job.items.filter(id__in=list(job.items.order_by("id").values_list("id", flat=True)[:4])).update(outcome="changed")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["changed"] == 5
    assert len(_csv(file_of(job).read_bytes())) == 6


def test_export_files_expire_and_disappear(manager):
    ClientFactory()
    job = export(manager, filter_params={}, format="csv")
    path = file_of(job)
    later = timezone.now() + dt.timedelta(hours=25)
    assert job_files_expire(now=later) == 1
    assert not path.exists()
    with pytest.raises(NotFound):
        export_file(actor=manager, export_id=job.pk)


def test_unknown_columns_and_formats_are_refused_per_field(manager):
    ClientFactory()
    with pytest.raises(ValidationError) as error:
        export(manager, filter_params={}, format="pdf", columns=["id", "password"])
    assert set(error.value.message_dict) == {"format", "columns"}
    assert not Job.objects.exists()


# --- the API -----------------------------------------------------------------------------


def _api(client, user):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token_create(user=user)}"
    return client


def test_api_exports_a_small_selection_at_once(client, manager):
    api = _api(client, manager)
    clients = ClientFactory.create_batch(2, first_name="Łukasz")
    response = api.post(
        "/api/clients/bulk/export",
        {"ids": [c.pk for c in clients], "format": "csv_excel_pl", "columns": ["id", "name"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] == 2
    assert body["selected"] == 2
    assert body["download_url"] == f"/api/exports/{body['job_id']}/download"
    status = api.get(body["status_url"]).json()
    assert status["status"] == "succeeded"
    assert status["format"] == "csv_excel_pl"
    assert status["columns"] == ["id", "name"]
    assert status["download_url"] == body["download_url"]
    download = api.get(body["download_url"])
    assert download.status_code == 200
    data = _content(download)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Łukasz" in data.decode("utf-8-sig")


def test_api_export_of_many_answers_202_and_the_export_can_be_followed(client, manager, settings):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    api = _api(client, manager)
    ClientFactory.create_batch(3)
    response = api.post("/api/clients/bulk/export", {"filter": {}, "format": "ods"}, content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    assert body["url"] == f"/api/exports/{body['job_id']}"
    status = api.get(body["url"]).json()
    assert status["status"] == "queued"
    assert status["download_url"] is None
    assert api.get(f"{body['url']}/download").status_code == 404  # not written yet


def test_api_refuses_bad_parameters_with_a_message_per_field(client, manager):
    api = _api(client, manager)
    client_ = ClientFactory()
    response = api.post(
        "/api/clients/bulk/export",
        {"ids": [client_.pk], "format": "docx", "columns": ["id", "nope"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"format", "columns"}


def test_only_the_user_who_exported_sees_the_export(client, manager, administrator):
    ClientFactory()
    job = export(manager, filter_params={}, format="csv")
    assert export_get(actor=manager, export_id=job.pk) == job
    api = _api(client, administrator)
    assert api.get(f"/api/exports/{job.pk}").status_code == 404
    assert api.get(f"/api/exports/{job.pk}/download").status_code == 404
    other = Job.objects.create(started_by=administrator, action="bulk.archive", kind="bulk")
    assert api.get(f"/api/exports/{other.pk}").status_code == 404  # a job, but not an export


def test_the_file_lives_under_the_job_files_directory_owner_only(manager, settings):
    ClientFactory()
    job = export(manager, filter_params={}, format="xlsx")
    path = file_of(job)
    assert path.parent == Path(settings.KARTOTEKA_JOB_FILES_DIR)
    assert path.stat().st_mode & 0o777 == 0o600
    assert job.file_name.endswith(".xlsx")
