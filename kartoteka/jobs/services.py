"""Creating and advancing jobs. Progress updates are single conditional UPDATEs (cheap, no reads)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kartoteka.core.actors import Actor, user_of
from kartoteka.jobs.models import Job


def job_create(*, actor: Actor, action: str, total: int, parameters: dict[str, Any]) -> Job:
    return Job.objects.create(started_by=user_of(actor), action=action, total=total, parameters=parameters)


def job_start(*, job_id: int) -> bool:
    """Mark a queued job running; False when it was already taken (a task delivered twice)."""
    return (
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=timezone.now()
        )
        == 1
    )


def job_progress(*, job_id: int, done: int) -> None:
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(done=done)


def job_succeed(*, job_id: int, result: dict[str, Any], done: int) -> None:
    """Finish a job; `done` becomes its total too (the selection may have changed while it waited)."""
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        status=Job.Status.SUCCEEDED, finished_at=timezone.now(), done=done, total=done, result=result
    )


def job_fail(*, job_id: int, error: str, result: dict[str, Any] | None = None) -> None:
    Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
        status=Job.Status.FAILED, finished_at=timezone.now(), error=error[:10000], result=result or {}
    )
