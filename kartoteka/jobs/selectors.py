from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.core.actors import Actor, user_of
from kartoteka.core.errors import NotFound
from kartoteka.core.numbers import is_id
from kartoteka.jobs.models import Job, JobItem


def job_scope(*, actor: Actor) -> QuerySet[Job]:
    """The jobs the actor started; every job for those who may view all of them."""
    if actor.is_active and actor.has_perm("jobs.view_job"):
        return Job.objects.all()
    user = user_of(actor)
    if user is None:
        return Job.objects.none()
    return Job.objects.filter(Q(started_by=user) & Q(started_by__isnull=False))


def job_get(*, actor: Actor, job_id: int) -> Job:
    if not is_id(job_id):  # past BIGINT: no such job (the driver would overflow)
        raise NotFound(_("Job not found."))
    job = job_scope(actor=actor).select_related("started_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("Job not found."))
    return job


def jobs_recent(*, actor: Actor, limit: int = 10) -> list[Job]:
    """The newest jobs the actor started (for the bell and `GET /api/jobs`)."""
    user = user_of(actor)
    if user is None:
        return []
    return list(Job.objects.filter(started_by=user).select_related("started_by").order_by("-created_at", "-id")[:limit])


def jobs_unseen_count(*, actor: Actor) -> int:
    user = user_of(actor)
    if user is None:
        return 0
    return Job.objects.filter(started_by=user, status__in=Job.FINISHED, seen_at__isnull=True).count()


def jobs_to_notify(*, actor: Actor) -> list[Job]:
    """Finished jobs of the actor whose toast has not been shown yet."""
    user = user_of(actor)
    if user is None:
        return []
    return list(
        Job.objects.filter(started_by=user, status__in=Job.FINISHED, notified_at__isnull=True).order_by("id")[:5]
    )


def jobs_active_exist(*, actor: Actor) -> bool:
    user = user_of(actor)
    if user is None:
        return False
    return Job.objects.filter(started_by=user, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists()


def job_items(*, actor: Actor, job_id: int, outcome: str | None = None, after: int = 0) -> QuerySet[JobItem]:
    """What the job did per object, in item order (keyset: items after `after`)."""
    job = job_get(actor=actor, job_id=job_id)
    items = JobItem.objects.filter(job_id=job.pk, id__gt=after).order_by("id")
    if outcome is not None:
        items = items.filter(outcome=outcome)
    return items


def job_items_skipped(*, job: Job, limit: int) -> list[tuple[int, str]]:
    """The first `limit` items the job skipped, as (object id, reason code), for its report.

    For a job already in hand (its page checked who may see it); the API goes through job_items.
    """
    skipped = JobItem.objects.filter(job_id=job.pk).exclude(outcome__in=[JobItem.PENDING, JobItem.CHANGED])
    return list(skipped.order_by("id").values_list("object_id", "outcome")[:limit])


def job_file_allowed(*, actor: Actor, job: Job) -> bool:
    """Only the user who started a job may download its file: an export is client data in bulk
    (R8, "only the user who asked may download them"), so administrators, who may see every job
    and its report, do not get its file. The one rule for the web page, the jobs API and the exports API."""
    user = user_of(actor)
    return user is not None and job.started_by_id is not None and job.started_by_id == user.pk


def job_file_get(*, actor: Actor, job_id: int) -> tuple[Job, Path]:
    """The job's file, for the user who started the job; NotFound when there is none (or it
    expired) and for anyone else."""
    job = job_get(actor=actor, job_id=job_id)
    if not job_file_allowed(actor=actor, job=job):
        raise NotFound(_("Only the user who started this job may download its file."))
    path = Path(settings.KARTOTEKA_JOB_FILES_DIR) / Path(job.file_path).name if job.file_path else None
    expired = job.file_expires_at is not None and job.file_expires_at <= timezone.now()
    if path is None or expired or not path.is_file():
        raise NotFound(_("This job's file is no longer available."))
    return job, path
