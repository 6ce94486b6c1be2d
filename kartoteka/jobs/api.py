from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from kartoteka.accounts.models import User
from kartoteka.jobs import selectors
from kartoteka.jobs.models import Job
from kartoteka.jobs.schemas import JobOut

router = Router(tags=["jobs"])


class ErrorOut(Schema):
    detail: str


@router.get("/jobs/{job_id}", response={200: JobOut, 403: ErrorOut, 404: ErrorOut}, url_name="job")
def job_get(request: HttpRequest, job_id: int) -> Job:
    """Progress and result of a background job; poll it until `status` is `succeeded` or `failed`."""
    return selectors.job_get(actor=cast(User, request.auth), job_id=job_id)  # type: ignore[attr-defined]
