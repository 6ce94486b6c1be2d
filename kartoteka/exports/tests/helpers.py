from pathlib import Path

from django.conf import settings

from kartoteka.bulk.services import bulk_run, selection_from
from kartoteka.jobs.models import Job


def export(actor, clients=None, *, list_name="clients", filter_params=None, **params) -> Job:
    """Run the export bulk action on these clients (or a filter); returns its job."""
    if clients is not None:
        selection = selection_from(list_name=list_name, ids=[c.pk for c in clients])
    else:
        selection = selection_from(list_name=list_name, filter_params=filter_params or {})
    outcome = bulk_run(actor=actor, action_name="export", list_name=list_name, selection=selection, params=params)
    assert outcome.job is not None
    return outcome.job


def file_of(job: Job) -> Path:
    job.refresh_from_db()
    assert job.file_path, f"job {job.pk} has no file ({job.status}: {job.error})"
    return Path(settings.KARTOTEKA_JOB_FILES_DIR) / job.file_path
