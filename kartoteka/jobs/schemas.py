from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema

from kartoteka.jobs.selectors import job_file_allowed


class JobFileOut(Schema):
    name: str
    size: int | None
    expires_at: dt.datetime | None = Field(description="The file is deleted after this time.")
    url: str = Field(description="Download it (only the user who started the job may).")


class JobOut(Schema):
    id: int
    kind: str = Field(description='The kind of work, e.g. "bulk".')
    action: str
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    started_by: str | None = Field(description="Username of whoever started the job.")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    heartbeat_at: dt.datetime | None = Field(description="Last sign of life of the worker running it.")
    cancel_requested: bool
    total: int
    done: int
    percent: int
    result: dict[str, Any] = Field(description='{"selected", "changed", "skipped": {reason: count}}')
    error: str = Field(description="Why the job failed, as a sentence for the user; empty otherwise.")
    file: JobFileOut | None = Field(
        description="The file the job produced, while it is kept; shown only to the user who started the job."
    )

    @staticmethod
    def resolve_started_by(obj: Any) -> str | None:
        return obj.started_by.username if obj.started_by else None

    @staticmethod
    def resolve_file(obj: Any, context: Any) -> dict[str, Any] | None:
        request = (context or {}).get("request")
        actor = getattr(request, "auth", None)
        if not obj.file_path or actor is None or not job_file_allowed(actor=actor, job=obj):
            return None
        return {
            "name": obj.file_name,
            "size": obj.file_size,
            "expires_at": obj.file_expires_at,
            "url": reverse("api:job_file", kwargs={"job_id": obj.pk}),
        }


class JobItemOut(Schema):
    id: int
    object_id: int = Field(description="The client (or other object) the job acted on.")
    outcome: str = Field(description='"" while pending, "changed", or the reason it was skipped.')


class JobItemPage(Schema):
    items: list[JobItemOut]
    next_after: int | None = Field(description="Pass as `after` for the next page; null on the last one.")
