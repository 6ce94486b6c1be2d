"""Selection → action → (job) → report. The one way every bulk action runs, for the UI and the API.

Every run is a job: when the user confirms, the selected ids are frozen into the job's items (one
INSERT ... SELECT, in the transaction that creates the job). A small selection (up to
KARTOTEKA_BULK_SYNC_LIMIT) is then walked at once, in that one transaction; a larger one is
enqueued and the worker walks its items. Both walk them with `_run_frozen`, in chunks of
KARTOTEKA_BULK_CHUNK. Per chunk, in one transaction: one UPDATE per skip reason gives
the items that are skipped their reason, one INSERT ... SELECT lists the rest in the action's
audit entry, the action's set-based statements change exactly those clients, and one UPDATE
marks them changed. Nothing is loaded into Python, so a million-client "select all matching"
runs in bounded memory; a failure leaves every chunk wholly changed or untouched, and a job
never acts on a client that was not in the confirmed selection (a delete included).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from contextlib import closing
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kartoteka.audit.models import AuditEvent
from kartoteka.audit.services import audit_bulk_add, audit_record_bulk
from kartoteka.bulk.registry import ARCHIVE, LISTS, BulkAction, BulkContext, Report, get_action
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Client
from kartoteka.clients.selectors import ClientSelection, client_scope, clients_selected
from kartoteka.core.actors import Actor
from kartoteka.core.errors import ApplicationError, ValidationError
from kartoteka.core.permissions import require_perm
from kartoteka.jobs import services as jobs
from kartoteka.jobs.models import Job, JobItem
from kartoteka.jobs.runner import JobRun, job_execute


@dataclass(frozen=True)
class Preview:
    action: BulkAction
    count: int


@dataclass(frozen=True)
class Outcome:
    """A small selection's report, or the job that runs a large one."""

    report: dict[str, Any] | None = None
    job: Job | None = None


def _check(actor: Actor, action: BulkAction, list_name: str) -> None:
    require_perm(actor, "clients.bulk_client")
    require_perm(actor, action.permission)
    if list_name not in action.lists:
        raise ApplicationError(_("This action is not available on this list."))


def selection_from(
    *, list_name: str, ids: list[int] | None = None, filter_params: Mapping[str, Any] | None = None
) -> ClientSelection:
    """Explicit ids, or everything matching the list's filter (the same parameters as the list's URL)."""
    if list_name not in LISTS:
        raise ValidationError({"list": [_("Unknown list.")]})
    if (ids is None) == (filter_params is None):
        raise ValidationError({"ids": [_("Send either the ids of the clients or a filter.")]})
    if ids is not None:
        if not ids:
            raise ValidationError({"ids": [_("Select at least one client.")]})
        # The ids stay inside the list they were picked from (clients_selected confines them).
        list_filter = ClientFilter(archived=list_name == ARCHIVE, status="all")
        return ClientSelection(ids=tuple(sorted(set(ids))), filters=list_filter)
    try:
        filters = ClientFilter.from_params(filter_params or {}, archived=list_name == ARCHIVE, strict=True)
    except ValidationError as exc:  # "filter.group", not "group": the action may have its own `group`
        raise ValidationError({f"filter.{name}": errors for name, errors in exc.error_dict.items()}) from exc
    return ClientSelection(filters=filters)


def bulk_preview(*, actor: Actor, action_name: str, list_name: str, selection: ClientSelection) -> Preview:
    """What the confirmation shows: the action and how many clients are selected."""
    action = get_action(action_name)
    _check(actor, action, list_name)
    return Preview(action, clients_selected(actor=actor, selection=selection).count())


def bulk_run(
    *,
    actor: Actor,
    action_name: str,
    list_name: str,
    selection: ClientSelection,
    params: Mapping[str, Any],
    confirm_count: int | None = None,
) -> Outcome:
    """Run at once (up to KARTOTEKA_BULK_SYNC_LIMIT clients, all in one transaction) or start a job."""
    action = get_action(action_name)
    _check(actor, action, list_name)
    cleaned = action.clean_params(actor, params)
    clients = clients_selected(actor=actor, selection=selection)
    with transaction.atomic(durable=True):
        # Counted, confirmed, frozen and acted on in one transaction, on exactly the ids counted: a
        # client that starts to match meanwhile is not touched (a permanent delete included).
        ids = list(clients.order_by("id").values_list("id", flat=True)[: settings.KARTOTEKA_BULK_SYNC_LIMIT + 1])
        small = len(ids) <= settings.KARTOTEKA_BULK_SYNC_LIMIT
        if small:
            if action.final and confirm_count != len(ids):
                raise _confirm_error(len(ids))
            # The same pipeline as a worker's job (frozen items, _run_frozen), run here and now.
            job = _job_freeze(actor, action, list_name, selection, cleaned, clients.filter(id__in=ids))
            report = _run_frozen(job, actor, action, cleaned, jobs.job_item_chunks(job_id=job.pk, size=_chunk()))
            jobs.job_done_at_once(job=job, result=report.as_dict())
    if small:
        if action.output is not None:  # the file the run wrote is the job's: the caller serves it
            job.refresh_from_db()
            return Outcome(report=report.as_dict(), job=job)
        return Outcome(report=report.as_dict())
    # A job freezes its selection and checks the typed count against it in its own transaction.
    return Outcome(job=_job_create(actor, action, list_name, selection, cleaned, clients, confirm_count))


def _chunk() -> int:
    return int(settings.KARTOTEKA_BULK_CHUNK)


def _confirm_error(total: int) -> ValidationError:
    return ValidationError(
        {"confirm_count": [_("Type the number of clients to confirm: %(count)d.") % {"count": total}]}
    )


def _job_create(
    actor: Actor,
    action: BulkAction,
    list_name: str,
    selection: ClientSelection,
    params: dict[str, Any],
    clients: QuerySet[Client],
    confirm_count: int | None,
) -> Job:
    """The job and its frozen selection, in one transaction: the job acts on exactly these clients."""
    with transaction.atomic(durable=True):
        job = _job_freeze(actor, action, list_name, selection, params, clients)
        if action.final and confirm_count != job.total:  # the selection changed since it was counted
            raise _confirm_error(job.total)
        jobs.job_enqueue(job=job)
    return job


def _job_freeze(
    actor: Actor,
    action: BulkAction,
    list_name: str,
    selection: ClientSelection,
    params: dict[str, Any],
    clients: QuerySet[Client],
) -> Job:
    """A job whose items are `clients`' ids; its report starts with the picked ids not on the list.

    The job remembers the language the user confirmed in: its report and its file speak it.
    """
    parameters = {
        "action": action.name,
        "list": list_name,
        "selection": _selection_json(selection),
        "params": params,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }
    job = jobs.job_create(actor=actor, kind="bulk", action=f"bulk.{action.name}", parameters=parameters)
    frozen = jobs.job_freeze_items(job=job, objects=clients)
    report = Report()
    if selection.ids is not None:  # ids not on the list they were picked from
        report.skip(_missing_code(selection), len(selection.ids) - frozen)
    job.result = report.as_dict()
    Job.objects.filter(pk=job.pk).update(result=job.result)
    return job


def _missing_code(selection: ClientSelection) -> str:
    archived = selection.filters is not None and selection.filters.archived
    return "not_in_archive" if archived else "not_on_list"


def bulk_job_run(*, job_id: int) -> None:
    """Run a queued bulk job now, as the worker does (for benchmarks and tests)."""
    job_execute(job_id=job_id)


def bulk_job_execute(run: JobRun) -> None:
    """The "bulk" job kind: walk the frozen clients chunk by chunk (each chunk one transaction).

    Per chunk, set-based: items whose client is gone, then those matching each skip reason, get
    that outcome (one UPDATE each); the rest are listed in the audit entry, changed by the
    action, and marked changed. The report and the audit entry's counts commit with the chunk,
    so a resumed job goes on from its first pending chunk with the right numbers.
    """
    job = run.job
    actor = job.started_by
    if actor is None:
        raise ApplicationError(_("The user who started this job no longer exists."))
    spec = job.parameters
    with translation.override(spec.get("language") or settings.LANGUAGE_CODE):
        action = get_action(spec["action"])
        _check(actor, action, spec["list"])  # permissions may have changed while the job waited
        params = action.clean_params(actor, spec["params"])
        state: dict[str, Any] = {}
        if action.output is not None:
            # A file cannot be resumed half-written: an attempt after a lost worker writes it again
            # from the start, its items back to pending and its report to what the job began with.
            state["initial"] = job.state.get("initial", job.result)
            if run.attempt > 1:
                JobItem.objects.filter(job_id=job.pk).exclude(outcome=JobItem.PENDING).update(outcome=JobItem.PENDING)
                job.result, job.state = state["initial"], {}

        def progress(report: Report, event_id: int | None) -> None:
            run.progress(done=report.selected, result=report.as_dict(), state={**state, "event_id": event_id})

        _run_frozen(job, actor, action, params, run.item_chunks(_chunk()), progress)


def _run_frozen(
    job: Job,
    actor: Actor,
    action: BulkAction,
    params: dict[str, Any],
    chunks: Generator[QuerySet[JobItem]],
    progress: Callable[[Report, int | None], None] | None = None,
) -> Report:
    """Walk a bulk job's frozen items, chunk by chunk: by the worker (each chunk its own
    transaction, with progress) or at once for a small selection (inside bulk_run's transaction).

    An action with an `output` writes the job's file as it goes: the file is opened before the
    first chunk, each chunk's `apply` writes into the sink (`ctx.output`), and it is kept as the
    job's file (KARTOTEKA_JOB_FILES_DIR, owner-only, expiring) once the last chunk is done.
    """
    ctx = BulkContext(actor=actor, params=params, now=timezone.now(), job_id=job.pk)
    output = action.output
    if output is None:
        return _walk(job, action, ctx, chunks, progress)
    keep = output.keep_hours() if output.keep_hours is not None else None
    name, content_type = output.file_name(params, ctx.now), output.content_type(params)
    with jobs.job_file_write(job_id=job.pk, name=name, content_type=content_type, keep_hours=keep) as handle:
        sink = output.open(handle, ctx)
        report = _walk(job, action, replace(ctx, output=sink), chunks, progress)
        sink.close()
    return report


def _walk(
    job: Job,
    action: BulkAction,
    ctx: BulkContext,
    chunks: Generator[QuerySet[JobItem]],
    progress: Callable[[Report, int | None], None] | None,
) -> Report:
    actor, params = ctx.actor, ctx.params
    report = Report.from_dict(job.result)
    details: dict[str, Any] = {"action": action.name, "params": params, "job_id": job.pk}
    if "filter" in job.parameters["selection"]:
        details["filter"] = job.parameters["selection"]["filter"]
    event_id: int | None = job.state.get("event_id")
    scope = client_scope(actor=actor)
    with closing(chunks):  # a failing chunk leaves its step (and rolls it back) now, not when collected
        for items in chunks:
            event_id = _run_items(action, ctx, scope, items, report, event_id, details)
            if progress is not None:
                progress(report, event_id)
    return report


def _run_items(
    action: BulkAction,
    ctx: BulkContext,
    scope: QuerySet[Client],
    items: QuerySet[JobItem],
    report: Report,
    event_id: int | None,
    details: dict[str, Any],
) -> int | None:
    selected = 0
    gone = items.filter(~Exists(scope.filter(id=OuterRef("object_id")))).update(outcome="gone")
    report.skip("gone", gone)
    selected += gone
    for skip in action.skips:  # each item gets the first reason that matches it
        matching = scope.filter(skip.condition(ctx.params), id=OuterRef("object_id"))
        count = items.filter(Exists(matching)).update(outcome=skip.code)
        report.skip(skip.code, count)
        selected += count
    pending = scope.filter(id__in=items.values("object_id"))
    changing = items.count()
    if changing:
        if event_id is None:
            event_id = audit_record_bulk(
                actor=ctx.actor, event_type=action.event_type, clients=pending, details=details
            ).pk
        else:
            audit_bulk_add(event=AuditEvent(pk=event_id), clients=pending)
        report.changed += action.apply(pending, ctx)
        items.update(outcome=JobItem.CHANGED)
    report.selected += selected + changing
    if event_id is not None:
        AuditEvent.objects.filter(pk=event_id).update(details={**details, **_counts(report)})
    return event_id


def _counts(report: Report) -> dict[str, Any]:
    # "count" is what the History tab shows: how many clients the entry lists.
    return {"count": report.changed, **report.as_dict()}


def _selection_json(selection: ClientSelection) -> dict[str, Any]:
    if selection.ids is not None:
        return {"ids": list(selection.ids)}
    assert selection.filters is not None  # noqa: S101
    return {"filter": selection.filters.to_params()}
