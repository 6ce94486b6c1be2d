"""JSON shapes of the cases API. Input fields are optional at the schema level: the services
validate them and give each field its own message, the same one the web form shows."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kartoteka.api.schemas import Id, InputSchema, Text, documented
from kartoteka.cases.models import DESCRIPTION_MAX, TITLE_MAX, Case
from kartoteka.clients.validation import SINGLE_LINE_NOT_BLANK_PATTERN


class CaseOut(Schema):
    id: int
    client: int = Field(description="The client's id.")
    client_name: str
    title: str
    description: str
    status: Literal["open", "closed"]
    owner: int | None = Field(description="The owner's (a staff member's) id; null when unassigned.")
    owner_name: str | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None = Field(description="When it was closed; null while open.")
    version: int = Field(description='Changes with every edit; send it back as `If-Match: "<version>"`.')
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_client(obj: Case) -> int:
        return obj.client_id

    @staticmethod
    def resolve_client_name(obj: Case) -> str:
        return obj.client.display_name

    @staticmethod
    def resolve_owner(obj: Case) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_owner_name(obj: Case) -> str | None:
        return str(obj.owner) if obj.owner else None


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    count: int | None = Field(None, description="Cases matching the filter; only with `count=true`.")


class CaseListParams(Schema):
    """The list's query parameters. The filter ones are parsed by CaseFilter, like the Sprawy page's."""

    q: str | None = Field(None, description="Search: words of the title, the description or the client's name.")
    status: str | None = Field(None, description="`open`, `closed` or `all` (default).")
    owner: str | None = Field(None, description="Owner's id.")
    client: str | None = Field(None, description="Client's id.")
    opened_from: str | None = Field(None, description="Opened on or after this day, YYYY-MM-DD.")
    opened_to: str | None = Field(None, description="Opened on or before this day, YYYY-MM-DD.")
    closed_from: str | None = Field(None, description="Closed on or after this day, YYYY-MM-DD.")
    closed_to: str | None = Field(None, description="Closed on or before this day, YYYY-MM-DD.")
    sort: str | None = Field(
        None, description="id, title, client, status, owner, opened_at or closed_at; `-` for descending (default -id)."
    )
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Cases per page, 1 to 200.")
    count: bool = Field(False, description="Also return the number of matching cases.")


_DESCRIPTION_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"  # tabs and line breaks may stay


class CaseIn(InputSchema):
    """Change a case (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(not_null=("title",)))

    title: Text | None = Field(
        None,
        description="At most 200 characters, one line.",
        json_schema_extra={"maxLength": TITLE_MAX, "minLength": 1, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN},
    )
    description: Text | None = Field(
        None, json_schema_extra={"maxLength": DESCRIPTION_MAX, "pattern": _DESCRIPTION_PATTERN}
    )
    owner: Id | None = Field(None, description="A staff member's id; the creator when not given; null: no owner.")
    opened_at: Text | None = Field(
        None,
        description="YYYY-MM-DD or an ISO date and time, not in the future; now when not given.",
        json_schema_extra={"format": "date"},
    )


class CaseCreateIn(CaseIn):
    """Open a case for a client."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("client", "title")))

    client: Id | None = Field(None, description="The client's id.")
