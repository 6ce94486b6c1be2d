"""The job page (a progress bar that polls itself until the job ends, then its report), its
cancel button and file download, and the notification bell of the top bar."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kartoteka.core.errors import ApplicationError, NotFound
from kartoteka.core.numbers import is_id
from kartoteka.core.views import AuthedRequest, render_htmx
from kartoteka.jobs import selectors, services
from kartoteka.jobs.bell import bell_sections
from kartoteka.jobs.kinds import JobKind, get_kind, job_title
from kartoteka.jobs.models import Job


def _job(request: AuthedRequest, job_id: int) -> Job:
    try:
        return selectors.job_get(actor=request.user, job_id=job_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def job_detail_view(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if job.is_finished and job.seen_at is None:
        services.jobs_mark_seen(actor=request.user, job_ids=[job.pk])
    kind = get_kind(job.kind)
    context: dict[str, Any] = {
        "job": job,
        "title": job_title(job),
        "report_template": "",
        "failure_note": (kind or JobKind).failure_note,
        "can_download": selectors.job_file_allowed(actor=request.user, job=job),
    }
    if kind is not None and kind.report_template:
        context.update(kind.report_context(job, request.user), report_template=kind.report_template)
    return render_htmx(request, "jobs/detail.html", "progress", context)


@require_POST
def job_cancel_view(request: AuthedRequest, job_id: int) -> HttpResponse:
    try:
        job = services.job_cancel(actor=request.user, job_id=job_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("jobs:detail", job_id=job_id)
    if job.status == Job.Status.CANCELLED:
        messages.success(request, _("The job was cancelled before it started; nothing was changed."))
    else:
        messages.info(request, _("The job stops after the part it is working on; what is done by then stays done."))
    return redirect("jobs:detail", job_id=job_id)


@require_GET
def job_file_view(request: AuthedRequest, job_id: int) -> FileResponse:
    """The job's file, for the user who started the job only (jobs.selectors.job_file_allowed; others get 404)."""
    try:
        job, path = selectors.job_file_get(actor=request.user, job_id=job_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)
    if job.file_content_type:
        response["Content-Type"] = job.file_content_type
    return response


ITEMS_PAGE = 5000  # items read per query while the CSV streams


@require_GET
def job_items_csv_view(request: AuthedRequest, job_id: int) -> StreamingHttpResponse:
    """What the job did to each object, as CSV, for whoever may see the job (others get 404).

    Streamed a page of items at a time (keyset on the item id), so a million items never sit in memory.
    """
    job = _job(request, job_id)
    kind = get_kind(job.kind)
    label = kind.outcome_label if kind is not None else str
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow([_("id"), _("outcome"), _("outcome in words")])
        after = 0
        while True:
            page = list(
                selectors.job_items(actor=request.user, job_id=job.pk, after=after).values_list(
                    "id", "object_id", "outcome"
                )[:ITEMS_PAGE]
            )
            for _item_id, object_id, outcome in page:
                yield writer.writerow([object_id, outcome or "pending", label(outcome) if outcome else _("pending")])
            if len(page) < ITEMS_PAGE:
                return
            after = page[-1][0]

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-items.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def job_bell_view(request: AuthedRequest) -> HttpResponse:
    return _bell(request)


@require_POST
def jobs_seen_view(request: AuthedRequest) -> HttpResponse:
    """The bell's "Mark all as read"."""
    services.jobs_mark_seen(actor=request.user)
    return _bell(request)


@require_POST
def jobs_notified_view(request: AuthedRequest) -> HttpResponse:
    """The bell showed these jobs' toasts (a POST from the bell itself): they are not shown again."""
    ids = [int(raw) for raw in request.POST.getlist("job") if is_id(raw)]  # others are no job of theirs
    services.jobs_mark_notified(actor=request.user, job_ids=ids)
    return HttpResponse(status=204)


def _bell(request: AuthedRequest) -> HttpResponse:
    """The bell: unseen finished jobs, the recent ones, and a toast for each job that just ended.

    It polls itself (every 15 s) only while the user has a queued or running job.
    """
    toasts = selectors.jobs_to_notify(actor=request.user)  # the page POSTs to jobs:notified once it shows them
    recent = selectors.jobs_recent(actor=request.user, limit=8)
    unseen = selectors.jobs_unseen_count(actor=request.user)
    sections = bell_sections(request.user)  # what other apps add (jobs.bell), e.g. notifications
    context = {
        "toasts": [(job, job_title(job)) for job in toasts],
        "recent": [(job, job_title(job)) for job in recent],
        "unseen": unseen,
        "sections": sections,
        "bell_count": unseen + sum(int(extra.get("count", 0)) for _section, extra in sections),
        "active": any(not job.is_finished for job in recent) or selectors.jobs_active_exist(actor=request.user),
    }
    return render(request, "jobs/bell.html", context)
