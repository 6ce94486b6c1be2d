"""Kept one release: tasks queued before the upgrade name `kartoteka.bulk.tasks.bulk_job`."""

from kartoteka.jobs.tasks import job_task as bulk_job  # noqa: F401
