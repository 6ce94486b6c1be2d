"""The job page: a progress bar that polls itself every second until the job ends, then its report."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from kartoteka.core.errors import NotFound
from kartoteka.core.views import AuthedRequest, render_htmx
from kartoteka.jobs import selectors


@require_GET
def job_detail_view(request: AuthedRequest, job_id: int) -> HttpResponse:
    try:
        job = selectors.job_get(actor=request.user, job_id=job_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    from kartoteka.bulk.registry import action_title, report_lines  # jobs are started by bulk actions (today)

    context = {"job": job, "title": action_title(job.action), "report": report_lines(job.result)}
    return render_htmx(request, "jobs/detail.html", "progress", context)
