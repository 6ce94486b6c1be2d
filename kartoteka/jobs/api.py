from __future__ import annotations

from typing import Any, cast

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema

from kartoteka.accounts.models import User
from kartoteka.api.schemas import ERRORS
from kartoteka.jobs import selectors, services
from kartoteka.jobs.models import Job
from kartoteka.jobs.schemas import JobItemPage, JobOut

router = Router(tags=["jobs"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


class JobListParams(Schema):
    limit: int = Field(20, ge=1, le=100, description="How many of your newest jobs.")


@router.get("/jobs", response={200: list[JobOut], **ERRORS}, url_name="jobs")
def jobs_list(request: HttpRequest, params: Query[JobListParams]) -> list[Job]:
    """The jobs you started, newest first."""
    return selectors.jobs_recent(actor=_actor(request), limit=params.limit)


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, url_name="job")
def job_get(request: HttpRequest, job_id: int) -> Job:
    """Progress and result of a background job; poll it until `status` is `succeeded`, `failed` or `cancelled`."""
    return selectors.job_get(actor=_actor(request), job_id=job_id)


@router.post("/jobs/{job_id}/cancel", response={200: JobOut, **ERRORS}, url_name="job_cancel")
def job_cancel(request: HttpRequest, job_id: int) -> Job:
    """Cancel a queued job, or stop a running one after the chunk it is working on (its starter or an
    administrator). What was done by then stays done and is in the report; 409 when the job has ended."""
    return services.job_cancel(actor=_actor(request), job_id=job_id)


class JobItemParams(Schema):
    outcome: str | None = Field(
        None, max_length=40, pattern=r"^[a-z_]*$", description='Only items with this outcome (e.g. "changed").'
    )
    after: int = Field(0, ge=0, le=2**63 - 1, description="The `next_after` of the previous page.")
    limit: int = Field(500, ge=1, le=5000)


@router.get("/jobs/{job_id}/items", response={200: JobItemPage, **ERRORS}, url_name="job_items")
def job_items(request: HttpRequest, job_id: int, params: Query[JobItemParams]) -> dict[str, Any]:
    """What the job did to each client of its frozen selection: `changed`, or the reason it was skipped."""
    items = list(
        selectors.job_items(actor=_actor(request), job_id=job_id, outcome=params.outcome, after=params.after)[
            : params.limit + 1
        ]
    )
    more = len(items) > params.limit
    items = items[: params.limit]
    return {"items": items, "next_after": items[-1].id if more else None}


@router.get("/jobs/{job_id}/file", response={200: None, **ERRORS}, url_name="job_file")
def job_file(request: HttpRequest, job_id: int) -> FileResponse:
    """Download the file the job produced (only the user who started the job; 404 for anyone else,
    administrators included, and once it expired)."""
    job, path = selectors.job_file_get(actor=_actor(request), job_id=job_id)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)
    if job.file_content_type:
        response["Content-Type"] = job.file_content_type
    return response
