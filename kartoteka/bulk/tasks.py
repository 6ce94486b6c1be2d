"""The background task behind large bulk actions (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from kartoteka.bulk.services import bulk_job_run


@task()
def bulk_job(job_id: int) -> None:
    bulk_job_run(job_id=job_id)
