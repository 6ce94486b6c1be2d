"""Entry-point services own their transaction; side effects wait for the commit.

These tests run with real transactions (`transaction=True`): the usual test transaction would
hide both the durability check and what a rollback leaves behind.
"""

import threading

import pytest
from django.db import connection, transaction
from django_tasks import task_backends

from kartoteka.audit.models import AuditEvent
from kartoteka.bulk.services import bulk_run, selection_from
from kartoteka.clients import services
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.jobs import services as jobs_services
from kartoteka.jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)

VALID = {"first_name": "Anna", "last_name": "Nowak", "email": "anna@example.pl"}


def test_a_service_failing_after_its_write_leaves_nothing(manager, monkeypatch):
    def failing_audit(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(services, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        services.client_create(actor=manager, data=VALID)
    assert not Client.objects.exists()


def test_an_entry_point_service_refuses_to_run_inside_someone_elses_transaction(manager):
    """Durable: a caller cannot wrap it and then roll back what it reported as done."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.client_create(actor=manager, data=VALID)
    assert not Client.objects.exists()


DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def _record_enqueues(monkeypatch, settings) -> list[tuple[int, bool]]:
    """Enqueued jobs: (job id, whether another connection already saw the job's row then)."""
    settings.TASKS = DUMMY_TASKS
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 1
    backend = task_backends["default"]
    calls: list[tuple[int, bool]] = []
    real_enqueue = backend.enqueue

    def enqueue(task, args, kwargs):
        seen: list[bool] = []

        def look() -> None:  # a thread has its own database connection
            seen.append(Job.objects.filter(pk=kwargs["job_id"]).exists())
            connection.close()

        thread = threading.Thread(target=look)
        thread.start()
        thread.join()
        calls.append((kwargs["job_id"], seen[0]))
        return real_enqueue(task, args, kwargs)

    monkeypatch.setattr(backend, "enqueue", enqueue)
    return calls


def _start_archive_job(manager, ids):
    return bulk_run(
        actor=manager,
        action_name="archive",
        list_name="clients",
        selection=selection_from(list_name="clients", ids=ids),
        params={},
    )


def test_a_job_is_enqueued_only_after_its_row_is_committed(manager, monkeypatch, settings):
    enqueued = _record_enqueues(monkeypatch, settings)
    outcome = _start_archive_job(manager, [ClientFactory().pk, ClientFactory().pk])
    assert outcome.job is not None
    assert enqueued == [(outcome.job.pk, True)]


def test_a_job_start_that_fails_after_its_write_enqueues_nothing(manager, monkeypatch, settings):
    enqueued = _record_enqueues(monkeypatch, settings)
    enqueue = jobs_services.job_enqueue

    def enqueue_then_fail(**kwargs):
        enqueue(**kwargs)  # an enqueue that did not wait for the commit would be recorded here
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(jobs_services, "job_enqueue", enqueue_then_fail)
    with pytest.raises(RuntimeError):
        _start_archive_job(manager, [ClientFactory().pk, ClientFactory().pk])
    assert enqueued == []
    assert not Job.objects.exists()


def test_a_bulk_action_failing_in_its_last_step_changes_no_client(manager, monkeypatch):
    clients = [ClientFactory(), ClientFactory()]

    def failing_update(*args, **kwargs):
        raise RuntimeError("lost the connection")

    monkeypatch.setattr(AuditEvent.objects, "filter", failing_update)
    with pytest.raises(RuntimeError):
        _start_archive_job(manager, [c.pk for c in clients])
    assert Client.objects.filter(archived_at__isnull=True).count() == 2
    assert not AuditEvent.objects.exists()
