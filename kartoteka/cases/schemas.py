"""JSON shapes of the cases API. Input fields are optional at the schema level: the services
validate them and give each field its own message, the same one the web form shows."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kartoteka.api.schemas import MAX_ID, Id, InputSchema, Text, documented
from kartoteka.cases.filters import SORTS, STATUS_LABELS
from kartoteka.cases.models import DESCRIPTION_MAX, TITLE_MAX, Case
from kartoteka.cases.validation import filter_day_pattern, opened_day_pattern
from kartoteka.clients.validation import SINGLE_LINE_NOT_BLANK_PATTERN, SINGLE_LINE_PATTERN


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


SORT_VALUES = [f"{sign}{name}" for name in SORTS for sign in ("", "-")]


def _param(description: str, **schema: Any) -> Any:
    """A filter parameter, received as text and parsed by CaseFilter (every bad one gets its own
    message); documented as exactly the values that parser accepts (empty: no filter)."""

    def adjust(prop: dict[str, Any]) -> None:
        prop["anyOf"] = [schema, {"type": "string", "maxLength": 0}, {"type": "null"}]

    return Field(None, description=description, json_schema_extra=adjust)


_ID: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
# A day: YYYY-MM-DD from 1900 to 2999 (core.filtering.FIRST_DAY, LAST_DAY).
_DAY: dict[str, Any] = {"type": "string", "format": "date", "pattern": filter_day_pattern()}


class CaseListParams(Schema):
    """The list's query parameters. The filter ones are parsed by CaseFilter, like the Sprawy page's."""

    q: str | None = _param(
        "Search: words of the title, the description or the client's name.",
        type="string",
        pattern=SINGLE_LINE_PATTERN,
    )
    status: str | None = _param("`open`, `closed` or `all` (default).", type="string", enum=list(STATUS_LABELS))
    owner: str | None = _param("Owner's id.", **_ID)
    client: str | None = _param("Client's id.", **_ID)
    opened_from: str | None = _param("Opened on or after this day, YYYY-MM-DD.", **_DAY)
    opened_to: str | None = _param("Opened on or before this day, YYYY-MM-DD.", **_DAY)
    closed_from: str | None = _param("Closed on or after this day, YYYY-MM-DD.", **_DAY)
    closed_to: str | None = _param("Closed on or before this day, YYYY-MM-DD.", **_DAY)
    sort: str | None = _param(
        "id, title, client, status, owner, opened_at or closed_at; `-` for descending (default -id).",
        type="string",
        enum=SORT_VALUES,
    )
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Cases per page, 1 to 200.")
    count: bool = Field(False, description="Also return the number of matching cases.")


def _opened_day() -> dict[str, Any]:
    """A day up to today (made when the document is: "today" moves)."""
    return {"type": "string", "format": "date", "pattern": opened_day_pattern()}


def _opened_at_change(prop: dict[str, Any]) -> None:
    """A change of the opening day: a day, never empty."""
    prop.pop("anyOf", None)
    prop.update(_opened_day())


def _opened_at_create(prop: dict[str, Any]) -> None:
    """On opening a case: a day, or empty / null / left out: now."""
    prop["anyOf"] = [_opened_day(), {"type": "string", "maxLength": 0}, {"type": "null"}]


_DESCRIPTION_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"  # tabs and line breaks may stay


class CaseIn(InputSchema):
    """Change a case (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(not_null=("title", "opened_at")))

    title: Text | None = Field(
        None,
        description="At most 200 characters, one line.",
        json_schema_extra={"maxLength": TITLE_MAX, "minLength": 1, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN},
    )
    description: Text | None = Field(
        None, json_schema_extra={"maxLength": DESCRIPTION_MAX, "pattern": _DESCRIPTION_PATTERN}
    )
    owner: Id | None = Field(
        None,
        description="An active staff member's id (422 when there is none with it); the creator when not given; "
        "null: no owner.",
    )
    opened_at: Text | None = Field(
        None,
        description="A day (YYYY-MM-DD) from 1900-01-01 to today, not after the case was closed. "
        "An ISO date and time is accepted too.",
        json_schema_extra=_opened_at_change,
    )


class CaseCreateIn(CaseIn):
    """Open a case for a client."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("client", "title")))

    client: Id | None = Field(None, description="The client's id (422 when there is no such client).")
    opened_at: Text | None = Field(
        None,
        description="A day (YYYY-MM-DD) from 1900-01-01 to today; now when not given, empty or null. "
        "An ISO date and time is accepted too.",
        json_schema_extra=_opened_at_create,
    )
