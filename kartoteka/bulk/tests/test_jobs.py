"""Large selections run as background jobs on a frozen selection, with progress, per-client
outcomes and cancelling; a failure midway leaves the data whole."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kartoteka.accounts.services import api_token_create
from kartoteka.audit.models import AuditEvent
from kartoteka.bulk.registry import get_action
from kartoteka.bulk.services import bulk_job_run, bulk_run, selection_from
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory
from kartoteka.core.errors import ValidationError
from kartoteka.jobs.models import Job, JobItem
from kartoteka.jobs.services import job_cancel, job_create, job_progress, job_start

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"  # the assertions read the English texts


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

    def spy(*, job_id, done, **kwargs):
        real(job_id=job_id, done=done, **kwargs)
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
    assert "disk full" not in job.error  # the raw exception goes to the log, the user gets a sentence
    assert "unexpected error" in job.error
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
    bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "You do not have permission to do this."
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


# --- the frozen selection ------------------------------------------------------------------


def outcomes(job):
    return dict(JobItem.objects.filter(job=job).values_list("object_id", "outcome"))


def test_the_selection_is_frozen_when_the_user_confirms(manager, small_limits):
    confirmed = ClientFactory.create_batch(6)
    job = start(manager, "archive").job
    assert job.total == 6
    assert set(outcomes(job)) == {c.id for c in confirmed}
    later = ClientFactory.create_batch(2)  # they match the filter too, but came after the confirmation
    bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.result == {"selected": 6, "changed": 6, "skipped": {}}
    assert all(Client.objects.get(pk=c.pk).archived_at is None for c in later)
    assert set(outcomes(job).values()) == {"changed"}


def test_a_delete_job_never_deletes_a_client_outside_the_confirmed_ids(administrator, small_limits):
    confirmed = ClientFactory.create_batch(6, status="inactive", archived_at=timezone.now())
    selection = selection_from(list_name="archive", filter_params={})
    job = bulk_run(
        actor=administrator, action_name="delete", list_name="archive", selection=selection, params={}, confirm_count=6
    ).job
    assert job is not None
    newcomer = ClientFactory(status="inactive", archived_at=timezone.now())  # archived by someone else meanwhile
    bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert list(Client.objects.values_list("id", flat=True)) == [newcomer.id]
    event = AuditEvent.objects.get(event_type="clients.client.deleted")
    assert set(event.targets.values_list("client_id", flat=True)) == {c.id for c in confirmed}


def test_a_client_restored_after_the_confirmation_is_skipped_by_the_delete_job(administrator, small_limits):
    clients = ClientFactory.create_batch(6, status="inactive", archived_at=timezone.now())
    selection = selection_from(list_name="archive", filter_params={})
    job = bulk_run(
        actor=administrator, action_name="delete", list_name="archive", selection=selection, params={}, confirm_count=6
    ).job
    assert job is not None
    saved = clients[2]
    Client.objects.filter(pk=saved.pk).update(archived_at=None, status="active")
    bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.result == {"selected": 6, "changed": 5, "skipped": {"not_archived": 1}}
    assert list(Client.objects.values_list("id", flat=True)) == [saved.id]
    assert outcomes(job)[saved.id] == "not_archived"


def test_the_typed_count_must_match_the_frozen_selection(administrator, small_limits):
    ClientFactory.create_batch(6, status="inactive", archived_at=timezone.now())
    selection = selection_from(list_name="archive", filter_params={})
    with pytest.raises(ValidationError) as caught:
        bulk_run(
            actor=administrator,
            action_name="delete",
            list_name="archive",
            selection=selection,
            params={},
            confirm_count=7,
        )
    assert set(caught.value.message_dict) == {"confirm_count"}
    assert not Job.objects.exists()
    assert not JobItem.objects.exists()


def test_a_job_reports_per_client_what_it_did_or_why_it_skipped(manager, small_limits):
    group = ClientGroupFactory()
    member, *others = ClientFactory.create_batch(8)
    member.groups.add(group)
    archived_meanwhile, deleted_meanwhile = others[0], others[1]
    job = start(manager, "group_add", group=group.id).job
    Client.objects.filter(pk=archived_meanwhile.pk).update(archived_at=timezone.now(), status="inactive")
    Client.objects.filter(pk=deleted_meanwhile.pk).delete()
    bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.result == {
        "selected": 8,
        "changed": 5,
        "skipped": {"gone": 1, "archived": 1, "already_in_group": 1},
    }
    per_client = outcomes(job)
    assert per_client[member.id] == "already_in_group"
    assert per_client[archived_meanwhile.id] == "archived"
    assert per_client[deleted_meanwhile.id] == "gone"
    assert [per_client[c.id] for c in others[2:]] == ["changed"] * 5


def test_ids_that_are_not_on_the_list_are_in_the_jobs_report(manager, small_limits):
    clients = ClientFactory.create_batch(6)
    old = ClientFactory(archived_at=timezone.now(), status="inactive")
    selection = selection_from(list_name="clients", ids=[c.id for c in clients] + [old.id, 10**9])
    job = bulk_run(actor=manager, action_name="archive", list_name="clients", selection=selection, params={}).job
    assert job is not None
    bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.result == {"selected": 6, "changed": 6, "skipped": {"not_on_list": 2}}


def test_a_job_takes_the_same_number_of_queries_for_10_and_100_clients(manager, settings):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 1
    settings.KARTOTEKA_BULK_CHUNK = 1000

    def queries(n):
        Client.objects.all().delete()
        ClientFactory.create_batch(n)
        with CaptureQueriesContext(connection) as captured:
            job = start(manager, "archive").job
            bulk_job_run(job_id=job.pk)
        assert Job.objects.get(pk=job.pk).result["changed"] == n
        return len(captured)

    queries(2)
    assert queries(10) == queries(100)


# --- cancelling and resuming ------------------------------------------------------------------


def test_a_cancelled_queued_job_never_runs(manager, small_limits):
    ClientFactory.create_batch(6)
    job = start(manager, "archive").job
    assert job_cancel(actor=manager, job_id=job.pk).status == Job.Status.CANCELLED
    bulk_job_run(job_id=job.pk)
    assert not Client.objects.filter(archived_at__isnull=False).exists()
    assert set(outcomes(job).values()) == {""}


def test_a_running_job_stops_at_the_next_chunk_and_keeps_what_it_did(manager, small_limits):
    clients = sorted(ClientFactory.create_batch(8), key=lambda c: c.id)
    job = start(manager, "archive").job

    def cancelling_after_first_chunk(real):
        def apply(pending, ctx):
            changed = real(pending, ctx)
            job_cancel(actor=manager, job_id=job.pk)  # the user presses "Cancel" meanwhile
            return changed

        return apply

    with apply_replaced("archive", cancelling_after_first_chunk):
        bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.result == {"selected": 3, "changed": 3, "skipped": {}}
    archived = set(Client.objects.filter(archived_at__isnull=False).values_list("id", flat=True))
    assert archived == {c.id for c in clients[:3]}
    assert sorted(outcomes(job).values()) == ["", "", "", "", "", "changed", "changed", "changed"]


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the job runner catches it (the real thing: test_worker.py)."""


def test_a_stale_job_is_resumed_from_its_first_pending_chunk_and_changes_each_client_once(
    manager, small_limits, settings
):
    from datetime import timedelta

    from kartoteka.jobs.services import jobs_resume_stale

    clients = ClientFactory.create_batch(8)
    job = start(manager, "archive").job
    calls = {"n": 0}

    def dying_in_second_chunk(real):
        def apply(pending, ctx):
            calls["n"] += 1
            changed = real(pending, ctx)
            if calls["n"] == 2:
                raise WorkerKilled
            return changed

        return apply

    with apply_replaced("archive", dying_in_second_chunk), pytest.raises(WorkerKilled):
        bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.done) == (Job.Status.RUNNING, 3)  # left "running" by the dead worker
    assert jobs_resume_stale() == {"resumed": 0, "failed": 0, "cancelled": 0}  # its heartbeat is fresh
    later = timezone.now() + timedelta(seconds=settings.KARTOTEKA_JOB_STALE_AFTER + 1)
    assert jobs_resume_stale(now=later)["resumed"] == 1
    bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)
    assert job.result == {"selected": 8, "changed": 8, "skipped": {}}
    event = AuditEvent.objects.get(event_type="clients.client.archived")
    targets = list(event.targets.values_list("client_id", flat=True))
    assert sorted(targets) == sorted(c.id for c in clients)  # each client once
    assert event.details["count"] == 8


def test_a_job_that_keeps_dying_is_given_up_with_a_readable_message(manager, small_limits, settings):
    from datetime import timedelta

    from kartoteka.jobs.services import jobs_resume_stale

    ClientFactory.create_batch(6)
    job = start(manager, "archive").job
    Job.objects.filter(pk=job.pk).update(
        status="running", attempts=settings.KARTOTEKA_JOB_MAX_ATTEMPTS, heartbeat_at=timezone.now()
    )
    later = timezone.now() + timedelta(seconds=settings.KARTOTEKA_JOB_STALE_AFTER + 1)
    assert jobs_resume_stale(now=later)["failed"] == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("The job stopped without finishing 3 times")


def test_the_job_page_names_the_skipped_clients_and_why(manager_client, manager, small_limits):
    group = ClientGroupFactory()
    member = ClientFactory(last_name="Członek", groups=[group])
    ClientFactory.create_batch(6)
    job = start(manager, "group_add", group=group.id).job
    bulk_job_run(job_id=job.pk)
    page = manager_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'id="report-skipped-clients"' in page
    link = f'<a href="{reverse("clients:detail", args=[member.pk])}">{member.display_name}</a>'
    assert f"{link} — already in the group" in page
    assert 'id="report-changed">6<' in page


def test_the_job_page_offers_every_clients_outcome_as_csv_to_those_who_see_the_job(
    manager_client, manager, employee, client, small_limits, settings
):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    group = ClientGroupFactory()
    member = ClientFactory(groups=[group])
    others = ClientFactory.create_batch(3)
    job = start(manager, "group_add", group=group.id).job
    bulk_job_run(job_id=job.pk)
    page = manager_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    url = reverse("jobs:items_csv", args=[job.pk])
    assert f'href="{url}"' in page
    response = manager_client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0] == "id,outcome,outcome in words"
    assert rows[1:] == [f"{member.pk},already_in_group,already in the group"] + [
        f"{c.pk},changed,changed" for c in others
    ]
    client.force_login(employee)
    assert client.get(url).status_code == 404  # someone else's job, as on its page


def test_a_run_done_at_once_freezes_its_clients_and_reports_per_client_like_a_job(manager, settings):
    settings.KARTOTEKA_BULK_CHUNK = 2  # several chunks, all in the one transaction of the request
    group = ClientGroupFactory()
    member, *others = ClientFactory.create_batch(4)
    member.groups.add(group)
    selection = selection_from(list_name="clients", ids=[c.pk for c in (member, *others)] + [999_999])
    outcome = bulk_run(
        actor=manager, action_name="group_add", list_name="clients", selection=selection, params={"group": group.pk}
    )

    assert outcome.job is None  # nothing to wait for: the report is the answer
    assert outcome.report == {
        "selected": 4,
        "changed": 3,
        "skipped": {"not_on_list": 1, "already_in_group": 1},
    }
    job = Job.objects.get()
    assert (job.status, job.total, job.done, job.result) == (Job.Status.SUCCEEDED, 4, 4, outcome.report)
    assert job.notified_at is not None  # no toast and no unread bell for what the page already said
    assert job.seen_at is not None
    assert dict(JobItem.objects.filter(job=job).values_list("object_id", "outcome")) == {
        member.pk: "already_in_group",
        **{c.pk: JobItem.CHANGED for c in others},
    }
    event = AuditEvent.objects.get(event_type="clients.client.group_added")
    assert event.details["job_id"] == job.pk
    assert event.details["skipped"] == {"not_on_list": 1, "already_in_group": 1}


def test_a_run_done_at_once_costs_the_same_queries_for_few_or_many_clients(manager, settings):
    settings.KARTOTEKA_BULK_CHUNK = 1000
    group = ClientGroupFactory()

    def queries_for(count: int) -> int:
        ids = [c.pk for c in ClientFactory.create_batch(count)]
        selection = selection_from(list_name="clients", ids=ids)
        with CaptureQueriesContext(connection) as ctx:
            report = bulk_run(
                actor=manager,
                action_name="group_add",
                list_name="clients",
                selection=selection,
                params={"group": group.pk},
            ).report
        assert report is not None
        assert report["changed"] == count
        return len(ctx.captured_queries)

    queries_for(1)  # the actor's permissions are read once, then cached
    few, many = queries_for(3), queries_for(300)
    assert few == many
    assert many <= 30
