"""The one background task: run a job (by `manage.py db_worker`), whatever its kind."""

from __future__ import annotations

from django.db import connection
from django_tasks import task

from kartoteka.jobs.runner import job_execute


def worker_connection_setup() -> None:
    """Keep the worker's resident memory bounded on SQLite.

    A job scans up to every client; with the web's memory-mapped reads (mmap_size in settings)
    those pages would count toward the worker's resident memory (up to 256 MB more). Read
    through SQLite's page cache instead: measured on 1,000,000 clients, peak RSS 139 MB
    instead of 353 MB, times within the same 10 s budget.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size=0")


@task()
def job_task(job_id: int) -> None:
    worker_connection_setup()
    job_execute(job_id=job_id)
