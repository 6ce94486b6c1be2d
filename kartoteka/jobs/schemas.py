from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema


class JobOut(Schema):
    id: int
    action: str
    status: Literal["queued", "running", "succeeded", "failed"]
    started_by: str | None = Field(description="Username of whoever started the job.")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    total: int
    done: int
    percent: int
    result: dict[str, Any] = Field(description='{"selected", "changed", "skipped": {reason: count}}')
    error: str

    @staticmethod
    def resolve_started_by(obj: Any) -> str | None:
        return obj.started_by.username if obj.started_by else None
