"""Jobs of any kind: files only their starter may fetch, cancelling, the bell, the API, the seams."""

import ast
import os
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.audit.models import AuditEvent
from kartoteka.core.errors import ApplicationError
from kartoteka.jobs.models import Job, JobItem
from kartoteka.jobs.runner import JobRun, JobStopped, job_execute
from kartoteka.jobs.schemas import JobOut
from kartoteka.jobs.services import (
    job_cancel,
    job_create,
    job_fail,
    job_file_write,
    job_files_expire,
    job_start,
    jobs_maintain,
)
from kartoteka.jobs.tests import kinds  # noqa: F401  (registers the test kinds)

JOBS_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _english_and_own_files(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.KARTOTEKA_JOB_FILES_DIR = tmp_path / "job-files"


def file_job(actor, content="a,b\n1,2\n"):
    job = job_create(actor=actor, kind="test.file", action="test.export", parameters={"content": content})
    job_execute(job_id=job.pk)
    job.refresh_from_db()
    return job


# --- files ---------------------------------------------------------------------------------


def test_a_job_writes_its_file_under_a_random_name_that_only_its_owner_can_read(manager, settings):
    job = file_job(manager)
    assert job.status == Job.Status.SUCCEEDED
    stored = Path(settings.KARTOTEKA_JOB_FILES_DIR) / job.file_path
    assert stored.read_text() == "a,b\n1,2\n"
    assert stored.stat().st_mode & 0o777 == 0o600
    assert "report" not in job.file_path  # not guessable from the name
    assert len(job.file_path) > 30
    assert job.file_expires_at > timezone.now() + timedelta(hours=settings.KARTOTEKA_JOB_FILES_KEEP_HOURS - 1)


@pytest.mark.parametrize(("who", "status"), [("manager", 200), ("employee", 404), ("administrator", 404)])
def test_only_the_starter_may_download_a_jobs_file(client, manager, request, who, status):
    job = file_job(manager, content="tajne,dane\n")
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("jobs:file", args=[job.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"tajne,dane\n"
        assert response["Content-Disposition"] == 'attachment; filename="report.csv"'
        assert response["Content-Type"] == "text/csv"


@pytest.mark.parametrize(("who", "status"), [("manager", 200), ("employee", 404), ("administrator", 404)])
def test_the_api_serves_a_jobs_file_to_the_same_people(manager, request, who, status):
    job = file_job(manager)
    api = token_client(request.getfixturevalue(who))
    assert api.get(f"/api/jobs/{job.pk}/file").status_code == status
    if status == 200:
        assert api.get(f"/api/jobs/{job.pk}").json()["file"]["name"] == "report.csv"


def test_an_administrator_sees_another_users_job_but_not_its_file(client, manager, administrator):
    job = file_job(manager, content="tajne,dane\n")
    api = token_client(administrator)
    shown = api.get(f"/api/jobs/{job.pk}").json()
    assert shown["status"] == "succeeded"  # the job and its report, yes
    assert shown["file"] is None  # no link to a file they may not fetch
    client.force_login(administrator)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:file", args=[job.pk]) not in page
    assert "Only the user who started this job may download its file." in page
    own = file_job(administrator)
    assert api.get(f"/api/jobs/{own.pk}").json()["file"]["name"] == "report.csv"
    assert api.get(f"/api/jobs/{own.pk}/file").status_code == 200


def test_expired_files_are_deleted_and_no_longer_served(manager_client, manager, settings):
    job = file_job(manager)
    stored = Path(settings.KARTOTEKA_JOB_FILES_DIR) / job.file_path
    fresh = file_job(manager)
    Job.objects.filter(pk=job.pk).update(file_expires_at=timezone.now() - timedelta(minutes=1))
    assert manager_client.get(reverse("jobs:file", args=[job.pk])).status_code == 404  # past its time, at once
    assert jobs_maintain()["files_expired"] == 1
    assert not stored.exists()
    job.refresh_from_db()
    assert (job.file_path, job.status) == ("", Job.Status.SUCCEEDED)  # the job and its report stay
    assert manager_client.get(reverse("jobs:file", args=[fresh.pk])).status_code == 200
    assert job_files_expire() == 0


def test_the_job_page_offers_the_file_while_it_is_kept(manager_client, manager):
    job = file_job(manager)
    page = manager_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:file", args=[job.pk]) in page
    assert "report.csv" in page


def _killed_while_writing(job, data=b"a,b\n1,"):
    """What a worker killed (SIGKILL, out of memory) mid-write leaves: its file half-written under
    the `.part` name. The writing is left suspended, never finished nor cleaned up, as a kill leaves it."""
    writing = job_file_write(job_id=job.pk, name="report.csv", content_type="text/csv")
    handle = writing.__enter__()
    handle.write(data)
    handle.flush()
    return writing


def _files(settings):
    return sorted(p.name for p in Path(settings.KARTOTEKA_JOB_FILES_DIR).iterdir())


def _age(path, seconds):
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_the_maintenance_removes_the_half_written_file_of_a_job_whose_worker_died(manager, settings):
    kept = file_job(manager)
    dead = job_create(actor=manager, kind="test.file", action="test.export", parameters={})
    job_start(job_id=dead.pk)
    dying = _killed_while_writing(dead)
    running = job_create(actor=manager, kind="test.file", action="test.export", parameters={})
    job_start(job_id=running.pk)
    writing = _killed_while_writing(running)  # a live worker, still writing
    directory = Path(settings.KARTOTEKA_JOB_FILES_DIR)
    [dead_part] = directory.glob(f"{dead.pk}-*.part")
    [running_part] = directory.glob(f"{running.pk}-*.part")
    (directory / "999999-gone.part").write_bytes(b"x")  # a job rolled back, or deleted since
    (directory / "notes.txt").write_bytes(b"not a job's")
    for path in directory.iterdir():
        _age(path, settings.KARTOTEKA_JOB_STALE_AFTER + 60)
    Job.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))

    done = jobs_maintain()  # the dead worker's job goes back to the queue, its leftover goes

    assert done["resumed"] == 1
    assert done["files_expired"] == 2
    assert not dead_part.exists()
    assert running_part.exists()  # a running job's file is being written
    assert _files(settings) == sorted([kept.file_path, running_part.name, "notes.txt"])
    assert (directory / kept.file_path).read_text() == "a,b\n1,2\n"
    del dying, writing


def test_a_young_leftover_waits_it_may_be_a_request_still_writing_inside_its_transaction(manager, settings):
    job = job_create(actor=manager, kind="test.file", action="test.export", parameters={})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    writing = _killed_while_writing(job)
    assert job_files_expire() == 0
    later = timezone.now() + timedelta(seconds=settings.KARTOTEKA_JOB_STALE_AFTER + 1)
    assert job_files_expire(now=later) == 1
    assert _files(settings) == []
    del writing


def test_a_retried_job_writes_its_file_anew_and_never_onto_the_half_written_one(manager, settings):
    job = job_create(actor=manager, kind="test.file", action="test.export", parameters={"content": "x,y\n"})
    job_start(job_id=job.pk)
    dying = _killed_while_writing(job, b"HALF-WRITTEN")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)  # as jobs_resume_stale does
    job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert _files(settings) == [job.file_path]  # the leftover went when the retry began
    assert (Path(settings.KARTOTEKA_JOB_FILES_DIR) / job.file_path).read_bytes() == b"x,y\n"
    del dying


# --- cancelling ------------------------------------------------------------------------------


def test_only_the_starter_or_an_administrator_may_cancel(manager, employee, administrator, client):
    job = job_create(actor=manager, kind="test.count", action="test.count", parameters={})
    client.force_login(employee)
    assert client.post(reverse("jobs:cancel", args=[job.pk])).status_code == 404
    assert token_client(employee).post(f"/api/jobs/{job.pk}/cancel").status_code == 404
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    body = token_client(administrator).post(f"/api/jobs/{job.pk}/cancel").json()
    assert body["status"] == "cancelled"


def test_the_cancel_button_on_the_job_page_stops_a_running_job(manager_client, manager):
    job = job_create(actor=manager, kind="test.count", action="test.count", parameters={})
    job_start(job_id=job.pk)
    page = manager_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'id="job-cancel"' in page
    manager_client.post(reverse("jobs:cancel", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.cancel_requested) == (Job.Status.RUNNING, True)  # stops at the next chunk
    page = manager_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'id="job-stopping"' in page
    assert 'id="job-cancel"' not in page


def test_cancelling_a_job_is_in_the_audit_log(manager, administrator):
    queued = job_create(actor=manager, kind="test.count", action="test.count", parameters={})
    running = job_create(actor=manager, kind="test.count", action="test.count", parameters={})
    job_start(job_id=running.pk)
    job_cancel(actor=manager, job_id=queued.pk)
    job_cancel(actor=administrator, job_id=running.pk)
    events = AuditEvent.objects.filter(event_type="jobs.job.cancelled").order_by("id")
    assert [(e.actor, e.details["job_id"], e.details["was"]) for e in events] == [
        (manager, queued.pk, "queued"),
        (administrator, running.pk, "running"),
    ]
    with pytest.raises(ApplicationError):  # already ended: refused, and nothing recorded
        job_cancel(actor=manager, job_id=queued.pk)
    assert events.count() == 2


def test_an_ended_job_cannot_be_cancelled(manager):
    job = file_job(manager)
    response = token_client(manager).post(f"/api/jobs/{job.pk}/cancel")
    assert response.status_code == 409
    assert response.json() == {"detail": "The job has already ended."}


def test_a_cancelled_running_job_ends_at_a_chunk_boundary_keeping_its_outcomes(manager):
    job = job_create(actor=manager, kind="test.count", action="test.count", parameters={})
    JobItem.objects.bulk_create(JobItem(job=job, object_id=n) for n in range(1, 8))
    attempt = job_start(job_id=job.pk)
    chunks = JobRun(Job.objects.get(pk=job.pk), attempt).item_chunks(2)
    next(chunks).update(outcome="changed")
    job_cancel(actor=manager, job_id=job.pk)
    with pytest.raises(JobStopped):  # the next step sees the cancel before doing anything
        next(chunks)
    assert JobItem.objects.filter(job=job, outcome="changed").count() == 2


def test_the_file_url_in_the_api_follows_the_script_prefix(manager):
    job = file_job(manager)
    before = get_script_prefix()
    set_script_prefix("/crm/")
    try:
        file = JobOut.resolve_file(job, {"request": SimpleNamespace(auth=manager)})
    finally:
        set_script_prefix(before)
    assert file is not None
    assert file["url"] == f"/crm/api/jobs/{job.pk}/file"


# --- failures a user can read --------------------------------------------------------------


def test_a_failed_job_page_says_what_its_kind_leaves_behind(manager, manager_client):
    job = job_create(actor=manager, kind="test.count", action="test.count", parameters={})
    job_start(job_id=job.pk)
    job_fail(job_id=job.pk, error="The disk is full.")
    page = manager_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "What it finished before the failure stays done." in page
    assert "The disk is full." in page
    assert "Clients changed" not in page  # only bulk jobs change clients


def test_an_unknown_kind_fails_with_a_sentence(manager):
    job = job_create(actor=manager, kind="nobody.knows", action="nobody.knows", parameters={})
    job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "This kind of job is not known to this version of Kartoteka."


# --- the API -------------------------------------------------------------------------------


def test_api_lists_the_users_own_recent_jobs(manager, administrator):
    mine = [job_create(actor=manager, kind="test.count", action="test.count", parameters={}) for _ in range(3)]
    job_create(actor=administrator, kind="test.count", action="test.count", parameters={})
    body = token_client(manager).get("/api/jobs?limit=2").json()
    assert [j["id"] for j in body] == [mine[2].pk, mine[1].pk]
    assert body[0]["kind"] == "test.count"
    assert token_client(manager).get("/api/jobs?limit=0").status_code == 422


def test_api_lists_what_a_job_did_per_item(manager, employee):
    job = job_create(actor=manager, kind="test.count", action="test.count", parameters={})
    JobItem.objects.bulk_create(JobItem(job=job, object_id=n) for n in (5, 6, 7))
    job_execute(job_id=job.pk)
    api = token_client(manager)
    page = api.get(f"/api/jobs/{job.pk}/items?limit=2").json()
    assert [(i["object_id"], i["outcome"]) for i in page["items"]] == [(5, "changed"), (6, "changed")]
    rest = api.get(f"/api/jobs/{job.pk}/items?after={page['next_after']}").json()
    assert [i["object_id"] for i in rest["items"]] == [7]
    assert rest["next_after"] is None
    assert token_client(employee).get(f"/api/jobs/{job.pk}/items").status_code == 404


# --- the bell --------------------------------------------------------------------------------


def test_the_bell_is_on_every_page_and_loads_itself(manager_client):
    page = manager_client.get(reverse("clients:list")).content.decode()
    assert f'hx-get="{reverse("jobs:bell")}" hx-trigger="load"' in page


def test_a_finished_job_shows_as_a_toast_once_and_stays_unread_in_the_bell_until_opened(manager_client, manager):
    job = file_job(manager)
    bell = manager_client.get(reverse("jobs:bell")).content.decode()
    assert 'class="toast js-job-toast"' in bell
    assert f'data-job-id="{job.pk}"' in bell
    assert 'id="job-bell-count">1<' in bell
    assert "every 15s" not in bell  # nothing runs: no polling
    assert f'hx-post="{reverse("jobs:notified")}" hx-trigger="load"' in bell
    again = manager_client.get(reverse("jobs:bell")).content.decode()
    assert "js-job-toast" in again  # a GET changes nothing: until the page says it showed the toast
    assert manager_client.post(reverse("jobs:notified"), {"job": [str(job.pk), "x", "²"]}).status_code == 204
    again = manager_client.get(reverse("jobs:bell")).content.decode()
    assert "js-job-toast" not in again  # the toast was shown
    assert 'id="job-bell-count">1<' in again  # still unread
    manager_client.get(reverse("jobs:detail", args=[job.pk]))
    assert "job-bell-count" not in manager_client.get(reverse("jobs:bell")).content.decode()


def test_the_bell_polls_only_while_the_user_has_a_job_running(manager_client, manager):
    job = job_create(actor=manager, kind="test.count", action="test.count", parameters={})
    assert "every 15s" in manager_client.get(reverse("jobs:bell")).content.decode()
    job_execute(job_id=job.pk)
    bell = manager_client.get(reverse("jobs:bell")).content.decode()
    assert "every 15s" not in bell
    assert f'data-job-id="{job.pk}"' in bell  # the toast for the job that just ended


def test_mark_all_as_read_empties_the_bell(manager_client, manager):
    file_job(manager)
    file_job(manager)
    bell = manager_client.post(reverse("jobs:seen")).content.decode()
    assert "job-bell-count" not in bell


def test_one_cannot_mark_someone_elses_toast_as_shown(client, manager, employee):
    job = file_job(manager)
    client.force_login(employee)
    client.post(reverse("jobs:notified"), {"job": [str(job.pk)]})
    client.force_login(manager)
    assert f'data-job-id="{job.pk}"' in client.get(reverse("jobs:bell")).content.decode()


def test_the_bell_shows_only_the_users_own_jobs(client, manager, employee):
    file_job(manager)
    client.force_login(employee)
    bell = client.get(reverse("jobs:bell")).content.decode()
    assert "js-job-toast" not in bell
    assert "No background jobs yet." in bell


# --- seams -----------------------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_jobs_app_imports_no_app_whose_work_it_runs():
    for path in JOBS_DIR.rglob("*.py"):
        if "tests" in path.parts:
            continue
        feature_apps = {m for m in _imports(path) if m.startswith(("kartoteka.bulk", "kartoteka.clients"))}
        assert not feature_apps, f"{path.relative_to(JOBS_DIR)} imports {feature_apps}"


def test_job_kinds_and_bulk_actions_are_discovered_from_the_apps_own_modules():
    from kartoteka.bulk.registry import find_action
    from kartoteka.jobs.kinds import get_kind

    assert get_kind("bulk") is not None
    archive = find_action("archive")
    assert archive is not None
    assert archive.apply.__module__ == "kartoteka.clients.bulk_actions"
    assert not (JOBS_DIR.parent / "bulk" / "actions.py").exists()


def test_impossible_job_ids_and_outcomes_are_not_server_errors(manager, manager_client):
    api = token_client(manager)
    assert api.get(f"/api/jobs/{2**64}").status_code == 404
    assert manager_client.get(f"/jobs/{2**64}/").status_code == 404
    job = job_create(actor=manager, kind="test.count", action="test.count", parameters={})
    assert api.get(f"/api/jobs/{job.pk}/items", {"outcome": "x\x00"}).status_code == 422


def test_a_cancelled_job_whose_worker_died_ends_as_cancelled(manager, settings):
    from kartoteka.jobs.services import jobs_resume_stale

    job = job_create(actor=manager, kind="test.count", action="test.count", parameters={})
    job_start(job_id=job.pk)
    job_cancel(actor=manager, job_id=job.pk)  # asked to stop, but its worker is gone
    later = timezone.now() + timedelta(seconds=settings.KARTOTEKA_JOB_STALE_AFTER + 1)
    assert jobs_resume_stale(now=later) == {"resumed": 0, "failed": 0, "cancelled": 1}
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.finished_at is not None


def test_per_item_outcomes_of_old_jobs_are_pruned_in_batches_and_the_reports_stay(manager, settings):
    from kartoteka.jobs.services import job_items_prune

    old, recent = (job_create(actor=manager, kind="test.count", action="test.count", parameters={}) for _ in range(2))
    for job in (old, recent):
        JobItem.objects.bulk_create(JobItem(job=job, object_id=n) for n in range(1, 6))
        job_execute(job_id=job.pk)
    Job.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - timedelta(days=settings.KARTOTEKA_JOB_ITEMS_KEEP_DAYS + 1)
    )
    assert job_items_prune(batch=3) == 3
    assert job_items_prune(batch=3) == 2
    assert job_items_prune(batch=3) == 0
    assert not JobItem.objects.filter(job=old).exists()
    assert JobItem.objects.filter(job=recent).count() == 5
    old.refresh_from_db()
    assert old.result == {"counted": 5}
