"""JSON shapes of the correspondence API. Input fields are optional at the schema level where the
services give a missing value its own per-field message (the web form's); the OpenAPI document
states every rule the services apply, so a request the document allows is one the service takes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from kartoteka.api.schemas import MAX_ID, Id, InputSchema, Text, documented
from kartoteka.clients.validation import MULTI_LINE_NOT_BLANK_PATTERN, SINGLE_LINE_NOT_BLANK_PATTERN
from kartoteka.mailroom.models import ADDRESS_MAX, NOTE_MAX, SENDER_MAX, MailItem
from kartoteka.mailroom.validation import days_up_to_pattern

Kind = Literal["letter", "registered", "parcel", "other"]
StatusName = Literal["received", "collected", "forwarded", "scanned"]
SortName = Literal[
    "id", "-id", "received_on", "-received_on", "sender", "-sender", "client", "-client", "kind", "-kind",
    "status", "-status",
]  # fmt: skip
# A day of the list filters: YYYY-MM-DD from 1900 to 2999 (what the filter accepts).
FILTER_DAY_PATTERN = r"^(19\d\d|2\d\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
_NOTE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"  # tabs and line breaks may stay
_SEARCH_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
# `Id` (api.schemas) validates 1..MAX_ID, but its bounds reach the document as unknown `ge`/`le`
# keywords (a validator sits between them and the integer); these state them for the document.
_ID_BOUNDS: dict[str, Any] = {"minimum": 1, "maximum": MAX_ID}


def _up_to_today(schema: dict[str, Any]) -> None:
    """A day from 1900-01-01 to today: the pattern is made when the document is (daily different)."""
    schema.update({"format": "date", "pattern": days_up_to_pattern(timezone.localdate())})


class MailOut(Schema):
    id: int
    client: int = Field(description="The client's id.")
    client_name: str
    received_on: dt.date
    sender: str
    kind: Kind
    note: str
    status: StatusName
    collected_at: dt.datetime | None = Field(description="When it was collected; null until then.")
    collected_by: int | None = Field(description="The contact person's id; null if not collected or removed since.")
    collected_by_name: str = Field(description="Who collected it (the name at the time); empty until then.")
    handed_over_by: int | None = Field(description="The staff member who handed it over.")
    forwarded_to: str = Field(description="The address it was forwarded to; empty unless forwarded.")
    forwarded_on: dt.date | None
    has_scan: bool = Field(description="A scan can be downloaded from `/api/mail/{id}/scan`.")
    scan_name: str
    scan_type: str = Field(
        description="application/pdf, image/jpeg or image/png (found in the content); empty without a scan."
    )
    scan_size: int
    scanned_at: dt.datetime | None
    version: int = Field(description='Changes with every change; the ETag is `"<id>-<version>"`.')
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_client(obj: MailItem) -> int:
        return obj.client_id

    @staticmethod
    def resolve_client_name(obj: MailItem) -> str:
        return obj.client.display_name

    @staticmethod
    def resolve_collected_by(obj: MailItem) -> int | None:
        return obj.collected_by_id

    @staticmethod
    def resolve_handed_over_by(obj: MailItem) -> int | None:
        return obj.handed_over_by_id

    @staticmethod
    def resolve_has_scan(obj: MailItem) -> bool:
        return obj.has_scan


class MailPage(Schema):
    items: list[MailOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    count: int | None = Field(None, description="Mail items matching the filter; only with `count=true`.")


class MailListParams(Schema):
    """The list's query parameters, parsed again by MailFilter like the Korespondencja page's."""

    q: str | None = Field(None, description="Search: words of the sender, the note or the client's name.",
                          pattern=_SEARCH_PATTERN)  # fmt: skip
    client: int | None = Field(None, ge=1, le=MAX_ID, description="Client's id (archived clients too).")
    status: Literal["all", "received", "collected", "forwarded", "scanned"] | None = Field(
        None, description="`all` by default."
    )
    kind: Literal["all", "letter", "registered", "parcel", "other"] | None = Field(
        None, description="`all` by default."
    )
    received_from: str | None = Field(None, description="Received on or after this day, YYYY-MM-DD.",
                                      pattern=FILTER_DAY_PATTERN, json_schema_extra={"format": "date"})  # fmt: skip
    received_to: str | None = Field(None, description="Received on or before this day, YYYY-MM-DD.",
                                    pattern=FILTER_DAY_PATTERN, json_schema_extra={"format": "date"})  # fmt: skip
    sort: SortName | None = Field(None, description="`-` for descending; default `-received_on`.")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page (404 for any other value).")
    limit: int = Field(50, ge=1, le=200, description="Mail items per page, 1 to 200.")
    count: bool = Field(False, description="Also return the number of matching items.")


class MailIn(InputSchema):
    """Change a mail item (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(not_null=("sender", "kind", "received_on")))

    received_on: Text | None = Field(
        None, description="YYYY-MM-DD, not in the future; today when not given.", json_schema_extra=_up_to_today
    )
    sender: Text | None = Field(
        None,
        description="Who sent it: at most 200 characters, one line.",
        json_schema_extra={"maxLength": SENDER_MAX, "minLength": 1, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN},
    )
    kind: Kind | None = Field(None, description="`letter` when not given.")
    note: Text | None = Field(None, json_schema_extra={"maxLength": NOTE_MAX, "pattern": _NOTE_PATTERN})


class MailCreateIn(MailIn):
    """Register mail received for a client (its scan is uploaded afterwards: `POST /api/mail/{id}/scan`)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=documented(required=("sender",), not_null=("kind", "received_on"))
    )

    client: Id = Field(description="The client's id (archived clients too).", json_schema_extra=_ID_BOUNDS)


class MailCollectIn(InputSchema):
    contact: Id = Field(
        json_schema_extra=_ID_BOUNDS,
        description="The contact person who collects it: one of this client's, with `may_collect_mail`. "
        "Anyone else is refused with 409 and a message under `errors.contact`.",
    )


class MailForwardIn(InputSchema):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=documented(required=("forwarded_to",), not_null=("forwarded_on",))
    )

    forwarded_to: Text | None = Field(
        None,
        description="The address it is sent on to (several lines allowed), at most 500 characters.",
        json_schema_extra={"maxLength": ADDRESS_MAX, "minLength": 1, "pattern": MULTI_LINE_NOT_BLANK_PATTERN},
    )
    forwarded_on: Text | None = Field(
        None, description="YYYY-MM-DD, not in the future; today when not given.", json_schema_extra=_up_to_today
    )
