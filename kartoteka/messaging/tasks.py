"""The worker's side of the outbox: send what is due (`manage.py db_worker`), never a request."""

from __future__ import annotations

from django_tasks import task

from kartoteka.jobs.tasks import worker_connection_setup


@task()
def outbox_task() -> None:
    from kartoteka.messaging.services import outbox_send_due

    worker_connection_setup()
    outbox_send_due()
