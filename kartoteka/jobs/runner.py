"""Running a job: take it, hand it to its kind, end it with a state and a message a user can read.

A kind does its work in steps (`JobRun.step()` or `JobRun.item_chunks()`): each step is one
transaction that begins with the heartbeat, a conditional UPDATE of the job row. When the job
was cancelled, or was declared stale and given to another worker, that UPDATE matches nothing
and the run stops before doing anything more (JobStopped); the row lock it takes also keeps two
workers from ever running a step of the same job at once.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kartoteka.core.errors import ApplicationError, PermissionDenied, ValidationError
from kartoteka.jobs import services
from kartoteka.jobs.kinds import get_kind
from kartoteka.jobs.models import Job, JobItem

logger = logging.getLogger(__name__)


class JobStopped(Exception):
    """The job was cancelled, or another worker took it over: stop at this chunk boundary."""


@dataclass
class JobRun:
    job: Job
    attempt: int

    @contextmanager
    def step(self) -> Iterator[None]:
        """One chunk of work in one transaction, after a heartbeat; raises JobStopped instead when told to."""
        with transaction.atomic(durable=True):
            if not services.job_beat(job_id=self.job.pk, attempt=self.attempt):
                raise JobStopped
            yield

    def item_chunks(self, size: int) -> Generator[QuerySet[JobItem]]:
        """The pending items in id order, `size` at a time, each chunk inside its own step.

        Items already given an outcome (by an earlier, interrupted attempt) are not yielded again.
        The consumer must not `break` out of the loop: leaving a step early rolls it back.
        """
        chunks = services.job_item_chunks(job_id=self.job.pk, size=size)
        while True:
            with self.step():
                chunk = next(chunks, None)  # worked out inside the step, after its heartbeat
                if chunk is not None:
                    yield chunk
            if chunk is None:
                return

    def progress(self, *, done: int, result: dict[str, Any], state: dict[str, Any] | None = None) -> None:
        """Record what is done so far; call it inside the step, so it commits with the step's work."""
        services.job_progress(job_id=self.job.pk, done=done, result=result, state=state)

    def file(self, *, name: str, content_type: str, keep_hours: int | None = None) -> AbstractContextManager[IO[bytes]]:
        """`with run.file(...) as f:` the job's output file, kept `keep_hours` (default
        KARTOTEKA_JOB_FILES_KEEP_HOURS)."""
        return services.job_file_write(job_id=self.job.pk, name=name, content_type=content_type, keep_hours=keep_hours)


def job_execute(*, job_id: int) -> None:
    """Run a queued job to its end (succeeded, failed with a readable message, or cancelled)."""
    attempt = services.job_start(job_id=job_id)
    if not attempt:
        return  # already taken by another worker, cancelled, or ended
    job = Job.objects.select_related("started_by").get(pk=job_id)
    kind = get_kind(job.kind)
    try:
        if kind is None:
            raise ApplicationError(_("This kind of job is not known to this version of Kartoteka."))
        kind.run(JobRun(job, attempt))
    except JobStopped:
        services.job_stopped(job_id=job_id)
        return
    except (ApplicationError, PermissionDenied, ValidationError) as exc:
        services.job_fail(job_id=job_id, error=readable(exc))
        logger.info("Job %s (%s) refused: %s", job_id, job.action, exc)
        return
    except Exception:
        logger.exception("Job %s (%s) failed", job_id, job.action)
        services.job_fail(job_id=job_id, error=internal_error_message())
        raise  # the task's result records it too
    services.job_succeed(job_id=job_id)


def readable(exc: Exception) -> str:
    if isinstance(exc, ApplicationError):
        return exc.message
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or _("You do not have permission to do this.")


def internal_error_message() -> str:
    return _(
        "The job stopped because of an unexpected error. What it finished before stays done; "
        "the administrator finds the details in the server log."
    )
