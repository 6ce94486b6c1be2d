"""Exports in the REST API: started with `POST /api/clients/bulk/export` (the bulk registry's
endpoint), followed with `GET /api/exports/{id}` and downloaded with `GET /api/exports/{id}/download`.

An export's id is its job's id; only the user who asked for the export sees it (404 for anyone else).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, cast

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema

from kartoteka.accounts.models import User
from kartoteka.api.schemas import ERRORS, PathId
from kartoteka.exports import selectors
from kartoteka.jobs.models import Job

router = Router(tags=["exports"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


class ExportOut(Schema):
    id: int
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    format: str = Field(description="xlsx, ods, csv, csv_excel_pl, vcf (vCard 3.0), vcf4 (vCard 4.0) or html.")
    columns: list[str] = Field(description="The columns asked for (empty: the remembered or default ones).")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    total: int = Field(description="Clients in the frozen selection.")
    done: int
    percent: int
    result: dict[str, Any] = Field(description='{"selected", "changed" (exported), "skipped": {reason: count}}')
    error: str = Field(description="Why the export failed, as a sentence; empty otherwise.")
    file_name: str | None = Field(description="The file's name, once written and while it is kept.")
    file_size: int | None
    expires_at: dt.datetime | None = Field(description="The file is deleted after this time.")
    download_url: str | None = Field(description="Download the file (you only); null until it is ready.")

    @staticmethod
    def resolve_format(obj: Job) -> str:
        return str((obj.parameters.get("params") or {}).get("format", ""))

    @staticmethod
    def resolve_columns(obj: Job) -> list[str]:
        return list((obj.parameters.get("params") or {}).get("columns") or [])

    @staticmethod
    def resolve_file_name(obj: Job) -> str | None:
        return obj.file_name if obj.has_file else None

    @staticmethod
    def resolve_file_size(obj: Job) -> int | None:
        return obj.file_size if obj.has_file else None

    @staticmethod
    def resolve_expires_at(obj: Job) -> dt.datetime | None:
        return obj.file_expires_at if obj.has_file else None

    @staticmethod
    def resolve_download_url(obj: Job) -> str | None:
        return f"/api/exports/{obj.pk}/download" if obj.has_file else None


@router.get("/exports/{export_id}", response={200: ExportOut, **ERRORS}, url_name="export")
def export_get(request: HttpRequest, export_id: PathId) -> Job:
    """An export's status and progress; poll it until `status` is `succeeded` (then `download_url`
    is set), `failed` or `cancelled`. 404 for another user's export."""
    return selectors.export_get(actor=_actor(request), export_id=export_id)


@router.get("/exports/{export_id}/download", response={200: None, **ERRORS}, url_name="export_download")
def export_download(request: HttpRequest, export_id: PathId) -> FileResponse:
    """The export's file (only for the user who asked for it); 404 before it is ready, after it
    expired, or for another user's export."""
    job, path = selectors.export_file(actor=_actor(request), export_id=export_id)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)
    if job.file_content_type:
        response["Content-Type"] = job.file_content_type
    return response
