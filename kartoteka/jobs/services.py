"""Creating, advancing, cancelling and looking after jobs.

Every change of a job's state is one conditional UPDATE (`status=...`, `attempts=...`), so a task
delivered twice, a worker that was given up on, and a cancel racing the end of a job each find
the row already moved on and do nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.audit.services import audit_record
from kartoteka.core.actors import Actor, user_of
from kartoteka.core.errors import ApplicationError, PermissionDenied
from kartoteka.jobs.models import Job, JobItem
from kartoteka.jobs.selectors import job_get

logger = logging.getLogger(__name__)

ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)


def job_create(
    *,
    actor: Actor,
    action: str,
    total: int = 0,
    parameters: dict[str, Any],
    kind: str = "",
    result: dict[str, Any] | None = None,
) -> Job:
    """A queued job. `kind` defaults to the action's prefix ("bulk.archive" -> "bulk")."""
    return Job.objects.create(
        started_by=user_of(actor),
        kind=kind or action.partition(".")[0],
        action=action,
        total=total,
        parameters=parameters,
        result=result or {},
    )


def job_freeze_items(*, job: Job, objects: QuerySet[Any]) -> int:
    """Freeze what the job will act on: one INSERT ... SELECT of the objects' ids; returns how many.

    Call it in the transaction that creates the job, so the job and its items exist together.
    """
    try:
        ids_sql, params = objects.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # e.g. `id__in=[]`: nothing to freeze
        return 0
    table = JobItem._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (job_id, object_id, outcome) SELECT %s, sub.pk, '' FROM ({ids_sql}) sub "  # noqa: S608
            "ORDER BY sub.pk",
            (job.pk, *params),
        )
        count = max(int(cursor.rowcount), 0)
    Job.objects.filter(pk=job.pk).update(total=count)
    job.total = count
    return count


def job_item_chunks(*, job_id: int, size: int) -> Generator[QuerySet[JobItem]]:
    """The job's pending items in id order, `size` at a time (the last chunk: all that remain).

    Each chunk is worked out when asked for, so items given an outcome meanwhile are not yielded
    again. A worker asks for each inside its chunk's transaction (`JobRun.item_chunks`); a job run
    at once, inside its one transaction.
    """
    after = 0
    while True:
        pending = JobItem.objects.filter(job_id=job_id, outcome=JobItem.PENDING, id__gt=after)
        bound = list(pending.order_by("id").values_list("id", flat=True)[size - 1 : size])
        yield pending.filter(id__lte=bound[0]) if bound else pending
        if not bound:
            return
        after = bound[0]


def job_done_at_once(*, job: Job, result: dict[str, Any]) -> None:
    """A job its starter ran at once, in their request (a small bulk run): succeeded, nothing to announce."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED,
        started_at=now,
        heartbeat_at=now,
        finished_at=now,
        attempts=1,
        done=F("total"),
        result=result,
        notified_at=now,  # the user sees the report on the page they are on: no toast, no unread bell
        seen_at=now,
    )


def job_enqueue(*, job: Job) -> None:
    """Hand the job to a worker once the transaction that created (or re-queued) it commits."""
    from kartoteka.jobs.tasks import job_task  # the task module imports the runner, which imports this one

    job_id = job.pk
    transaction.on_commit(lambda: job_task.enqueue(job_id=job_id))


def job_start(*, job_id: int) -> int:
    """Take a queued job; returns its attempt number, or 0 when it was already taken or ended."""
    now = timezone.now()
    taken = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, cancel_requested=False).update(
        status=Job.Status.RUNNING,
        started_at=Coalesce(F("started_at"), now),
        heartbeat_at=now,
        attempts=F("attempts") + 1,
    )
    if not taken:
        return 0
    return int(Job.objects.filter(pk=job_id).values_list("attempts", flat=True)[0])


def job_beat(*, job_id: int, attempt: int) -> bool:
    """The heartbeat at the start of each chunk; False when the job was cancelled or given to another worker."""
    return bool(
        Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, attempts=attempt, cancel_requested=False).update(
            heartbeat_at=timezone.now()
        )
    )


def job_progress(
    *, job_id: int, done: int, result: dict[str, Any] | None = None, state: dict[str, Any] | None = None
) -> None:
    """Record progress (inside the chunk's transaction, so it commits with the chunk's work)."""
    fields: dict[str, Any] = {"done": done}
    if result is not None:
        fields["result"] = result
    if state is not None:
        fields["state"] = state
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(**fields)


def job_succeed(*, job_id: int, result: dict[str, Any] | None = None, done: int | None = None) -> None:
    """Finish a job; its total becomes what was done."""
    fields: dict[str, Any] = {"status": Job.Status.SUCCEEDED, "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = result
    if done is not None:
        fields.update(done=done, total=done)
    else:
        fields["total"] = F("done")
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(**fields)


def job_fail(*, job_id: int, error: str, result: dict[str, Any] | None = None) -> None:
    """End a job with a message for the user (never an exception's text: that goes to the log)."""
    fields: dict[str, Any] = {"status": Job.Status.FAILED, "finished_at": timezone.now(), "error": error[:10000]}
    if result is not None:
        fields["result"] = result
    Job.objects.filter(pk=job_id, status__in=ACTIVE).update(**fields)


def job_stopped(*, job_id: int) -> None:
    """A run stopped at a chunk boundary: if because of a cancel, the job ends as cancelled."""
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, cancel_requested=True).update(
        status=Job.Status.CANCELLED, finished_at=timezone.now()
    )


def job_cancel(*, actor: Actor, job_id: int) -> Job:
    """Cancel a queued job at once, or ask a running one to stop at its next chunk boundary.

    Only whoever started the job, or an administrator (jobs.change_job), may cancel it. What a
    running job finished before it stops stays done and is in its report.
    """
    job = job_get(actor=actor, job_id=job_id)  # another user's job is "not found"
    starter = job.started_by_id is not None and job.started_by_id == getattr(actor, "pk", None)
    if not (starter or (actor.is_active and actor.has_perm("jobs.change_job"))):
        raise PermissionDenied(_("You do not have permission to do this."))
    queued = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED)
    running = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING)
    with transaction.atomic():
        stopped = queued.update(status=Job.Status.CANCELLED, cancel_requested=True, finished_at=timezone.now())
        if not (stopped or running.update(cancel_requested=True)):
            raise ApplicationError(_("The job has already ended."))
        details = {"job_id": job.pk, "kind": job.kind, "action": job.action, "was": "queued" if stopped else "running"}
        audit_record(actor=actor, event_type="jobs.job.cancelled", details=details)
    job.refresh_from_db()
    return job


# --- files ---------------------------------------------------------------------------------


def files_dir() -> Path:
    path = Path(settings.KARTOTEKA_JOB_FILES_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


PARTIAL = ".part"  # a file being written: renamed to its final name once complete
_STORED = re.compile(r"([0-9]{1,19})-[A-Za-z0-9_-]+(\.part)?")


@contextmanager
def job_file_write(*, job_id: int, name: str, content_type: str, keep_hours: int | None = None) -> Iterator[IO[bytes]]:
    """Write the job's file (one per job) under a random name; it is kept `keep_hours` hours
    (default KARTOTEKA_JOB_FILES_KEEP_HOURS; a kind may keep its files shorter, e.g. exports).

    Every attempt writes a new file from its start, as `<name>.part` until it is complete: a
    retried run never appends to what an earlier one left, and what a worker killed mid-way
    leaves is removed here (the next attempt) or by the worker's maintenance (job_files_expire).
    """
    _remove_leftovers(job_id)
    stored = f"{job_id}-{secrets.token_urlsafe(24)}"
    path = files_dir() / stored
    partial = path.with_name(stored + PARTIAL)
    try:
        with partial.open("xb") as handle:
            partial.chmod(0o600)
            yield handle
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    old = Job.objects.filter(pk=job_id).values_list("file_path", flat=True).first()
    keep = dt.timedelta(hours=settings.KARTOTEKA_JOB_FILES_KEEP_HOURS if keep_hours is None else keep_hours)
    Job.objects.filter(pk=job_id).update(
        file_path=stored,
        file_name=name,
        file_size=path.stat().st_size,
        file_content_type=content_type,
        file_expires_at=timezone.now() + keep,
    )
    if old:
        _remove_file(old)


def _remove_file(stored: str) -> None:
    (files_dir() / Path(stored).name).unlink(missing_ok=True)


def _remove_leftovers(job_id: int) -> None:
    """Before an attempt writes: the files of this job other than the one it keeps (an earlier
    attempt's half-written file, a file whose attempt died before the job recorded it)."""
    kept = Job.objects.filter(pk=job_id).values_list("file_path", flat=True).first()
    for path in files_dir().glob(f"{job_id}-*"):
        if _STORED.fullmatch(path.name) and path.name != kept:
            path.unlink(missing_ok=True)


def job_files_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files kept past their time (the job stays, with its report), and the files no
    job keeps (job_files_leftover_remove); returns how many files went."""
    now = now or timezone.now()
    expired = list(
        Job.objects.filter(file_expires_at__lt=now).exclude(file_path="").values_list("pk", "file_path")[:1000]
    )
    for pk, stored in expired:
        if Job.objects.filter(pk=pk, file_path=stored).update(
            file_path="", file_size=None, file_expires_at=None, file_content_type=""
        ):
            _remove_file(stored)
    return len(expired) + job_files_leftover_remove(now=now)


def job_files_leftover_remove(*, now: dt.datetime | None = None) -> int:
    """Delete the files in KARTOTEKA_JOB_FILES_DIR that no job keeps; returns how many.

    They are what a worker killed mid-export leaves (a half-written `.part` file of a job that
    is no longer running: re-queued, failed or cancelled), or the file of a run whose job was
    rolled back. The file of a running job is left alone (it is being written), and so is any
    file younger than KARTOTEKA_JOB_STALE_AFTER: a small export writes its file inside its
    request's transaction, before its job is visible to the worker.
    """
    now = now or timezone.now()
    written_before = now.timestamp() - settings.KARTOTEKA_JOB_STALE_AFTER
    found: dict[int, list[Path]] = {}
    for path in files_dir().iterdir():  # listed before the jobs are read: a file made after is not seen
        match = _STORED.fullmatch(path.name)
        try:
            old_enough = match is not None and path.stat().st_mtime < written_before
        except FileNotFoundError:
            continue
        if match is not None and old_enough:
            found.setdefault(int(match.group(1)), []).append(path)
    removed = 0
    ids = sorted(found)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        jobs = {
            pk: (status, kept)
            for pk, status, kept in Job.objects.filter(pk__in=batch).values_list("pk", "status", "file_path")
        }
        for job_id in batch:
            status, kept = jobs.get(job_id, ("", ""))
            if status == Job.Status.RUNNING:
                continue
            for path in found[job_id]:
                if path.name != kept:
                    path.unlink(missing_ok=True)
                    removed += 1
    if removed:
        logger.warning("Removed %s job file(s) no job keeps (a worker that died mid-write?)", removed)
    return removed


# --- stale jobs ------------------------------------------------------------------------------


def jobs_resume_stale(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Running jobs whose heartbeat is older than KARTOTEKA_JOB_STALE_AFTER seconds lost their worker.

    Each goes back to the queue and is resumed from its first pending chunk, or, after
    KARTOTEKA_JOB_MAX_ATTEMPTS attempts, fails with a message the user can read. A cancelled
    one ends as cancelled. One query per stale job (there are few), never per item.
    """
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.KARTOTEKA_JOB_STALE_AFTER)
    stale = Job.objects.filter(status=Job.Status.RUNNING).filter(
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
    )
    counts = {"resumed": 0, "failed": 0, "cancelled": 0}
    for job in stale.only("pk", "attempts", "heartbeat_at", "cancel_requested", "kind", "action"):
        same = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, heartbeat_at=job.heartbeat_at)
        with transaction.atomic(durable=True):
            if job.cancel_requested:
                moved = same.update(status=Job.Status.CANCELLED, finished_at=now)
                outcome = "cancelled"
            elif job.attempts >= settings.KARTOTEKA_JOB_MAX_ATTEMPTS:
                message = _(
                    "The job stopped without finishing %(count)d times (its worker ended unexpectedly) and "
                    "was given up. What it finished before stays done; the report shows what that was."
                ) % {"count": job.attempts}
                moved = same.update(status=Job.Status.FAILED, finished_at=now, error=message)
                outcome = "failed"
            else:
                moved = same.update(status=Job.Status.QUEUED)
                if moved:
                    job_enqueue(job=job)
                outcome = "resumed"
        if moved:
            counts[outcome] += 1
            logger.warning("Stale job %s (%s, attempt %s): %s", job.pk, job.action, job.attempts, outcome)
    return counts


def job_items_prune(*, now: dt.datetime | None = None, batch: int = 50_000) -> int:
    """Forget the per-client outcomes of jobs that ended more than KARTOTEKA_JOB_ITEMS_KEEP_DAYS ago.

    The jobs and their reports (counts) stay. At most `batch` rows go per call, each job's in
    one DELETE by item-id range, so the worker never holds the database for long.
    """
    now = now or timezone.now()
    limit = now - dt.timedelta(days=settings.KARTOTEKA_JOB_ITEMS_KEEP_DAYS)
    has_items = Exists(JobItem.objects.filter(job_id=OuterRef("pk")))
    old = Job.objects.filter(has_items, status__in=Job.FINISHED, finished_at__lt=limit).order_by("pk")
    deleted = 0
    for job_id in old.values_list("pk", flat=True)[:100]:
        items = JobItem.objects.filter(job_id=job_id).order_by("id")
        bound = items.values_list("id", flat=True)[batch - deleted - 1 : batch - deleted].first()
        gone, _ = (items.filter(id__lte=bound) if bound is not None else items).delete()
        deleted += gone
        if deleted >= batch:
            break
    return deleted


def jobs_maintain() -> dict[str, int]:
    """What the worker does on start-up and every KARTOTEKA_JOB_SWEEP_INTERVAL seconds."""
    from kartoteka.jobs.maintenance import maintenance_run

    done = {**jobs_resume_stale(), "files_expired": job_files_expire(), "items_pruned": job_items_prune()}
    return {**done, **maintenance_run()}  # the apps' own (e.g. messages whose sender died)


# --- notifications ---------------------------------------------------------------------------


def jobs_mark_notified(*, actor: Actor, job_ids: list[int]) -> None:
    """The toast of these finished jobs was shown; it is not shown again."""
    user = user_of(actor)
    if user is None:
        return
    Job.objects.filter(pk__in=job_ids, started_by=user, notified_at__isnull=True).update(notified_at=timezone.now())


def jobs_mark_seen(*, actor: Actor, job_ids: list[int] | None = None) -> None:
    """The starter has seen these finished jobs (all of them when `job_ids` is None): the bell forgets them."""
    user = user_of(actor)
    if user is None:
        return
    mine = Job.objects.filter(started_by=user, status__in=Job.FINISHED, seen_at__isnull=True)
    if job_ids is not None:
        mine = mine.filter(pk__in=job_ids)
    now = timezone.now()
    mine.update(seen_at=now, notified_at=Coalesce(F("notified_at"), now))
