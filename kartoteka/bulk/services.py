"""Selection → action → (job) → report. The one way every bulk action runs, for the UI and the API.

A run walks the selection in chunks of consecutive ids (KARTOTEKA_BULK_CHUNK selected clients
each; finding the next chunk's upper bound is one indexed query). Per chunk, in one transaction:
one query counts the selected clients and each skip reason, one INSERT ... SELECT lists the
clients about to change in the action's audit entry, the action's set-based statements change
them, and one UPDATE keeps the audit entry's counts in step. Nothing is loaded into Python, so a
million-client "select all matching" runs in bounded memory, and a failure leaves every chunk
either wholly changed or untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.audit.models import AuditEvent
from kartoteka.audit.services import audit_bulk_add, audit_record_bulk
from kartoteka.bulk.registry import ARCHIVE, LISTS, BulkAction, BulkContext, Report, get_action
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Client
from kartoteka.clients.selectors import ClientSelection, clients_selected
from kartoteka.core.actors import Actor
from kartoteka.core.errors import ApplicationError, ValidationError
from kartoteka.core.permissions import require_perm
from kartoteka.jobs import services as jobs
from kartoteka.jobs.models import Job


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
    cleaned = action.clean_params(params)
    clients = clients_selected(actor=actor, selection=selection)
    total = clients.count()
    if action.final and confirm_count != total:
        raise ValidationError(
            {"confirm_count": [_("Type the number of clients to confirm: %(count)d.") % {"count": total}]}
        )
    if total <= settings.KARTOTEKA_BULK_SYNC_LIMIT:
        report = Report()
        with transaction.atomic(durable=True):
            _execute(actor=actor, action=action, clients=clients, params=cleaned, report=report, selection=selection)
        return Outcome(report=report.as_dict())
    job = jobs.job_create(
        actor=actor,
        action=f"bulk.{action.name}",
        total=total,
        parameters={
            "action": action.name,
            "list": list_name,
            "selection": _selection_json(selection),
            "params": cleaned,
        },
    )
    from kartoteka.bulk.tasks import bulk_job  # the task module imports this one

    transaction.on_commit(lambda: bulk_job.enqueue(job_id=job.pk))
    return Outcome(job=job)


def bulk_job_run(*, job_id: int) -> None:
    """The background half of bulk_run (called by the django-task): progress after every chunk."""
    if not jobs.job_start(job_id=job_id):
        return  # already taken by another worker, or finished
    job = Job.objects.select_related("started_by").get(pk=job_id)
    report = Report()
    try:
        actor = job.started_by
        if actor is None:
            raise ApplicationError(_("The user who started this job no longer exists."))
        spec = job.parameters
        action = get_action(spec["action"])
        _check(actor, action, spec["list"])  # permissions may have changed while the job waited
        cleaned = action.clean_params(spec["params"])
        selection = _selection_from_json(spec["selection"], spec["list"])
        clients = clients_selected(actor=actor, selection=selection)
        if action.final and (now := clients.count()) != job.total:
            raise ApplicationError(
                _("The selection changed after it was confirmed (%(then)d clients, now %(now)d); nothing was done.")
                % {"then": job.total, "now": now}
            )
        _execute(
            actor=actor,
            action=action,
            clients=clients,
            params=cleaned,
            report=report,
            selection=selection,
            job_id=job_id,
            on_chunk=lambda: jobs.job_progress(job_id=job_id, done=report.selected),
        )
    except Exception as exc:
        jobs.job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}", result=report.as_dict())
        raise
    jobs.job_succeed(job_id=job_id, result=report.as_dict(), done=report.selected)


def _execute(
    *,
    actor: Actor,
    action: BulkAction,
    clients: QuerySet[Client],
    params: dict[str, Any],
    report: Report,
    selection: ClientSelection,
    job_id: int | None = None,
    on_chunk: Callable[[], None] | None = None,
) -> None:
    ctx = BulkContext(actor=actor, params=params, now=timezone.now())
    details: dict[str, Any] = {"action": action.name, "params": params, "job_id": job_id}
    if selection.filters is not None:
        details["filter"] = selection.filters.to_params()
    event: AuditEvent | None = None
    chunk_size = settings.KARTOTEKA_BULK_CHUNK
    after = 0
    while True:
        bound = list(clients.filter(id__gt=after).order_by("id").values_list("id", flat=True)[chunk_size - 1 :][:1])
        chunk = clients.filter(id__gt=after, **({"id__lte": bound[0]} if bound else {}))
        with transaction.atomic():
            event = _run_chunk(action, ctx, chunk, report, event, details)
        if on_chunk is not None:
            on_chunk()
        if not bound:
            break
        after = bound[0]
    if selection.ids is not None:
        missing = len(selection.ids) - report.selected
        if missing > 0:  # ids not (or no longer) on the list they were picked from
            archived = selection.filters is not None and selection.filters.archived
            report.skipped["not_in_archive" if archived else "not_on_list"] = missing
            if event is not None:
                AuditEvent.objects.filter(pk=event.pk).update(details={**details, **_counts(report)})


def _run_chunk(
    action: BulkAction,
    ctx: BulkContext,
    chunk: QuerySet[Client],
    report: Report,
    event: AuditEvent | None,
    details: dict[str, Any],
) -> AuditEvent | None:
    # Each client is counted under its first matching reason only.
    counts: dict[str, Any] = {"selected": Count("id")}
    skipped = Q()
    for skip in action.skips:
        condition = skip.condition(ctx.params)
        counts[skip.code] = Count("id", filter=condition & ~skipped if skipped else condition)
        skipped = skipped | condition if skipped else condition
    numbers = chunk.aggregate(**counts)
    if not numbers["selected"]:
        return event
    pending = chunk.exclude(skipped) if skipped else chunk
    changing = numbers["selected"] - sum(numbers[s.code] for s in action.skips)
    if changing:
        if event is None:
            event = audit_record_bulk(actor=ctx.actor, event_type=action.event_type, clients=pending, details=details)
        else:
            audit_bulk_add(event=event, clients=pending)
    changed = action.apply(pending, ctx) if changing else 0
    report.selected += numbers["selected"]
    report.changed += changed
    for skip in action.skips:
        if numbers[skip.code]:
            report.skipped[skip.code] = report.skipped.get(skip.code, 0) + numbers[skip.code]
    if event is not None:
        AuditEvent.objects.filter(pk=event.pk).update(details={**details, **_counts(report)})
    return event


def _counts(report: Report) -> dict[str, Any]:
    # "count" is what the History tab shows: how many clients the entry lists.
    return {"count": report.changed, **report.as_dict()}


def _selection_json(selection: ClientSelection) -> dict[str, Any]:
    if selection.ids is not None:
        return {"ids": list(selection.ids)}
    assert selection.filters is not None  # noqa: S101
    return {"filter": selection.filters.to_params()}


def _selection_from_json(data: dict[str, Any], list_name: str) -> ClientSelection:
    return selection_from(list_name=list_name, ids=data.get("ids"), filter_params=data.get("filter"))
