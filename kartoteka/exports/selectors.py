"""An export is the job of the "export" bulk action; `exports/{id}` is that job's id.

Only the user who started an export sees it (administrators included see only their own here;
the jobs pages are where they look after other people's jobs): another user's id is "not found".
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from kartoteka.core.actors import Actor, user_of
from kartoteka.core.errors import NotFound
from kartoteka.core.numbers import is_id
from kartoteka.jobs.models import Job
from kartoteka.jobs.selectors import job_file_get

ACTION = "bulk.export"


def export_get(*, actor: Actor, export_id: int) -> Job:
    user = user_of(actor)
    if user is None or not is_id(export_id):
        raise NotFound(_("Export not found."))
    job = Job.objects.filter(pk=export_id, action=ACTION, started_by=user).first()
    if job is None:
        raise NotFound(_("Export not found."))
    return job


def export_file(*, actor: Actor, export_id: int) -> tuple[Job, Path]:
    """The export's file, for the user who asked for it; NotFound when not ready, expired or not theirs."""
    job = export_get(actor=actor, export_id=export_id)
    return job_file_get(actor=actor, job_id=job.pk)
