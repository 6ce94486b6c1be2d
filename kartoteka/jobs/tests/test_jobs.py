"""Large selections run as background jobs with progress; a failure midway leaves the data whole."""

from contextlib import contextmanager

import pytest
from django.urls import reverse
from django.utils import timezone

from kartoteka.accounts.services import api_token_create
from kartoteka.audit.models import AuditEvent
from kartoteka.bulk.registry import get_action
from kartoteka.bulk.services import bulk_job_run, bulk_run, selection_from
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory
from kartoteka.core.errors import ApplicationError, PermissionDenied
from kartoteka.jobs.models import Job
from kartoteka.jobs.services import job_create, job_progress, job_start

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture
def small_limits(settings):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 5
    settings.KARTOTEKA_BULK_CHUNK = 3


@contextmanager
def apply_replaced(name, make):
    """Swap a registered action's `apply` (actions are frozen dataclasses) for the test's one."""
    action = get_action(name)
    real = action.apply
    object.__setattr__(action, "apply", make(real))
    try:
        yield
    finally:
        object.__setattr__(action, "apply", real)


def start(actor, action, list_name="clients", **params):
    selection = selection_from(list_name=list_name, filter_params=params.pop("filter", {}))
    return bulk_run(actor=actor, action_name=action, list_name=list_name, selection=selection, params=params)


def test_a_large_selection_becomes_a_job_that_the_worker_runs(
    manager, small_limits, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    ClientFactory.create_batch(8)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = start(manager, "archive")
    assert outcome.report is None
    job = Job.objects.get(pk=outcome.job.pk)
    assert job.status == Job.Status.SUCCEEDED
    assert (job.total, job.done, job.percent) == (8, 8, 100)
    assert job.result == {"selected": 8, "changed": 8, "skipped": {}}
    assert job.started_by == manager
    assert job.parameters["action"] == "archive"
    assert not Client.objects.filter(archived_at__isnull=True).exists()
    event = AuditEvent.objects.get(event_type="clients.client.archived")  # one entry for all chunks
    assert event.targets.count() == 8
    assert event.details["job_id"] == job.pk


def test_a_job_waits_in_the_queue_until_the_worker_takes_it(manager, small_limits):
    ClientFactory.create_batch(6)
    outcome = start(manager, "archive")
    job = outcome.job
    assert job.status == Job.Status.QUEUED
    assert Client.objects.filter(archived_at__isnull=True).count() == 6  # nothing happened yet
    bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    bulk_job_run(job_id=job.pk)  # delivered twice: the second run does nothing
    assert AuditEvent.objects.filter(event_type="clients.client.archived").count() == 1


def test_progress_is_updated_after_every_chunk(manager, small_limits, monkeypatch):
    ClientFactory.create_batch(7)
    job = start(manager, "set_status", status="inactive").job
    seen = []
    from kartoteka.jobs import services as job_services

    real = job_services.job_progress

    def spy(*, job_id, done):
        real(job_id=job_id, done=done)
        seen.append(Job.objects.get(pk=job_id).done)

    monkeypatch.setattr(job_services, "job_progress", spy)
    bulk_job_run(job_id=job.pk)
    assert seen == [3, 6, 7]


@pytest.mark.django_db(transaction=True)
def test_a_job_failing_midway_keeps_every_chunk_whole_and_says_what_happened(manager, small_limits, monkeypatch):
    group = ClientGroupFactory()
    clients = ClientFactory.create_batch(8)
    job = start(manager, "group_add", group=group.id).job
    calls = {"n": 0}

    def failing_on_second_chunk(real):
        def apply(pending, ctx):
            calls["n"] += 1
            changed = real(pending, ctx)  # the chunk's statements run ...
            if calls["n"] == 2:
                raise RuntimeError("disk full")  # ... and then the chunk fails
            return changed

        return apply

    with apply_replaced("group_add", failing_on_second_chunk), pytest.raises(RuntimeError):
        bulk_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "disk full" in job.error
    assert job.finished_at is not None
    assert job.result["changed"] == 3  # the first chunk, committed
    members = set(group.clients.values_list("id", flat=True))
    assert members == {c.id for c in sorted(clients, key=lambda c: c.id)[:3]}  # no half-changed chunk
    event = AuditEvent.objects.get(event_type="clients.client.group_added")
    assert set(event.targets.values_list("client_id", flat=True)) == members  # the log agrees with the data


@pytest.mark.django_db(transaction=True)
def test_a_small_selection_that_fails_changes_nothing(manager, monkeypatch):
    clients = ClientFactory.create_batch(3)

    def broken(real):
        def apply(pending, ctx):
            real(pending, ctx)
            raise RuntimeError("boom")

        return apply

    with apply_replaced("archive", broken), pytest.raises(RuntimeError):
        start(manager, "archive")
    assert Client.objects.filter(archived_at__isnull=True).count() == len(clients)
    assert not AuditEvent.objects.exists()


def test_a_job_whose_starter_lost_the_permission_fails_without_changes(manager, small_limits):
    ClientFactory.create_batch(6)
    job = start(manager, "archive").job
    manager.groups.clear()
    with pytest.raises(PermissionDenied):
        bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert Client.objects.filter(archived_at__isnull=True).count() == 6


def test_progress_updates_only_touch_a_running_job(manager):
    job = job_create(actor=manager, action="bulk.archive", total=10, parameters={})
    job_progress(job_id=job.pk, done=5)
    job.refresh_from_db()
    assert job.done == 0
    assert job_start(job_id=job.pk)
    assert not job_start(job_id=job.pk)
    job_progress(job_id=job.pk, done=5)
    job.refresh_from_db()
    assert (job.done, job.percent) == (5, 50)


# --- the job page and the API ----------------------------------------------------------


def test_job_page_polls_every_second_while_the_job_runs_and_stops_when_it_is_done(manager_client, manager):
    job = job_create(actor=manager, action="bulk.archive", total=10, parameters={})
    page = manager_client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in page.content.decode()
    Job.objects.filter(pk=job.pk).update(
        status="succeeded",
        done=10,
        finished_at=timezone.now(),
        result={"selected": 10, "changed": 9, "skipped": {"already_archived": 1}},
    )
    partial = manager_client.get(reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "every 1s" not in html
    assert 'id="job-progress"' in html
    assert "<html" not in html
    assert 'id="report-changed">9<' in html


def test_a_job_is_visible_to_its_starter_and_administrators_only(client, manager, employee, administrator):
    job = job_create(actor=manager, action="bulk.archive", total=1, parameters={})
    url = reverse("jobs:detail", args=[job.pk])
    client.force_login(employee)
    assert client.get(url).status_code == 404
    client.force_login(administrator)
    assert client.get(url).status_code == 200


def test_api_returns_the_job_with_its_progress(manager, employee):
    from django.test import Client as HttpClient

    job = job_create(actor=manager, action="bulk.archive", total=4, parameters={})
    api = HttpClient(headers={"Authorization": f"Bearer {api_token_create(user=manager)}"})
    body = api.get(f"/api/jobs/{job.pk}").json()
    assert body["status"] == "queued"
    assert (body["total"], body["done"], body["percent"]) == (4, 0, 0)
    assert body["started_by"] == manager.username
    other = HttpClient(headers={"Authorization": f"Bearer {api_token_create(user=employee)}"})
    assert other.get(f"/api/jobs/{job.pk}").status_code == 404


def test_a_permanent_delete_job_refuses_when_the_selection_grew_after_confirmation(administrator, small_limits):
    ClientFactory.create_batch(6, status="inactive", archived_at=timezone.now())
    selection = selection_from(list_name="archive", filter_params={})
    job = bulk_run(
        actor=administrator,
        action_name="delete",
        list_name="archive",
        selection=selection,
        params={},
        confirm_count=6,
    ).job
    assert job is not None
    ClientFactory(status="inactive", archived_at=timezone.now())  # archived by someone else meanwhile
    with pytest.raises(ApplicationError):
        bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert Client.objects.count() == 7  # nothing deleted
