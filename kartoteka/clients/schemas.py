"""JSON shapes of the clients API. Field names are the model's (the API convention of R21).

Input values are checked by the services, which give each field its own translated message, the
same one the web form shows; the schemas only refuse what is not even the right shape (unknown
fields, wrong JSON types, ids no database can hold). The OpenAPI document still states every rule
the services enforce (required fields, lengths, patterns, enums), so generated clients can rely on it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kartoteka.api.schemas import Bool, Id, InputSchema, Text, documented, filter_params
from kartoteka.attributes.selectors import attribute_json
from kartoteka.attributes.services import KEY_PATTERN
from kartoteka.clients import fields
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Client, Note
from kartoteka.clients.validation import (
    MULTI_LINE_NOT_BLANK_PATTERN,
    NOTE_MAX_LENGTH,
    SET_NAME_MAX_LENGTH,
    SINGLE_LINE_NOT_BLANK_PATTERN,
    SINGLE_LINE_PATTERN,
    input_limit,
)


class ClientOut(Schema):
    id: int
    first_name: str
    last_name: str
    company_name: str
    email: str
    phone: str = Field(description="E.164, e.g. +48600123456; empty when unknown.")
    website: str
    nip: str = Field(description="10 digits, no separators; empty when unknown.")
    street: str
    city: str
    postal_code: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    status: Literal["active", "inactive"]
    source: Literal["manual", "form", "import", "api"]
    archived_at: dt.datetime | None = Field(description="When the client was moved to the archive; null on the list.")
    created_at: dt.datetime
    updated_at: dt.datetime
    groups: list[int] = Field(description="Ids of the client's groups.")
    labels: list[int] = Field(description="Ids of the client's labels.")
    version: int = Field(description="Raised by every change; the `ETag` of GET /api/clients/{id} carries it.")
    attributes: dict[str, Any] = Field(
        description="Custom attributes, `{key: value}` for every attribute (null: not set): a number, "
        "a YYYY-MM-DD date, true/false, a string, or a list of strings for several of a list."
    )

    @staticmethod
    def resolve_attributes(obj: Client) -> dict[str, Any]:
        return attribute_json(obj)  # the list attached them for its whole page (one query)

    # `.all()` reads the prefetched rows of the list selector: no query per client.
    @staticmethod
    def resolve_groups(obj: Client) -> list[int]:
        return sorted(g.pk for g in obj.groups.all())

    @staticmethod
    def resolve_labels(obj: Client) -> list[int]:
        return sorted(label.pk for label in obj.labels.all())


class ClientPage(Schema):
    items: list[ClientOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    count: int | None = Field(None, description="Clients matching the filter; only with `count=true`.")


class ClientPageParams(Schema):
    """The list's query parameters. The filter ones are ClientFilter's, parsed by it as the web list's."""

    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Clients per page, 1 to 200.")
    count: bool = Field(False, description="Also return the number of matching clients.")


if TYPE_CHECKING:  # the endpoints read only the paging fields; the filter ones are for the document
    ClientListParams = ClientPageParams
else:
    ClientListParams = filter_params("ClientListParams", ClientFilter, base=ClientPageParams)


CLIENT_INPUT_FIELDS = fields.EDITABLE  # ClientIn's client fields (a test checks they match)


def _text(name: str, description: str | None = None, **rules: Any) -> Any:
    """An optional text field; its documented rules are the ones the service enforces."""
    extra = {"maxLength": input_limit(name), "pattern": SINGLE_LINE_PATTERN, **rules}
    return Field(None, description=description, json_schema_extra=extra)


_REQUIRED_TEXT: dict[str, Any] = {"minLength": 1, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN}


class ClientIn(InputSchema):
    """Change a client (PATCH): only the fields sent change; `null` empties a field."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(not_null=("first_name", "email")))

    first_name: Text | None = _text("first_name", "Required when creating.", **_REQUIRED_TEXT)
    last_name: Text | None = _text("last_name")
    company_name: Text | None = _text("company_name")
    email: Text | None = _text("email", "Required when creating; stored lower-case.", format="email", **_REQUIRED_TEXT)
    phone: Text | None = _text("phone", "Any common notation; stored as E.164 (region PL by default).")
    website: Text | None = _text("website", "http(s) address; `https://` is added when no scheme is given.")
    nip: Text | None = _text("nip", "With or without dashes or a PL prefix; check digit verified.")
    street: Text | None = _text("street")
    city: Text | None = _text("city")
    postal_code: Text | None = _text("postal_code", "NN-NNN (or NNNNN) for Poland; at most 12 characters elsewhere.")
    country: Text | None = _text("country", "Two-letter code; PL when empty.", pattern="^([A-Za-z]{2})?$")
    groups: list[Id] | None = Field(None, description="Group ids; replace the client's groups when given.")
    labels: list[Id] | None = Field(None, description="Label ids; replace the client's labels when given.")
    allow_duplicates: Bool = Field(False, description="Save even if clients with the same e-mail, NIP or phone exist.")
    attributes: dict[str, Any] | None = Field(
        None,
        description="Custom attributes by key (GET /api/attributes): a number, a YYYY-MM-DD date, true/false, "
        "a string, or a list of strings (several of a list); null clears one. PATCH changes those sent; "
        "POST and PUT set every attribute (those not sent are cleared; required ones must be sent). "
        "A bad value is a 422 on `attributes.<key>`.",
        json_schema_extra={"propertyNames": {"pattern": KEY_PATTERN}},
    )


class ClientCreateIn(ClientIn):
    """Create (POST) or replace (PUT) a client: a field not sent becomes empty."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("first_name", "email")))


class StatusIn(InputSchema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("status",)))

    status: Text | None = Field(
        None, description="`active` or `inactive`.", json_schema_extra={"enum": ["active", "inactive"]}
    )


class DuplicateOut(Schema):
    id: int
    name: str
    email: str


class ConflictOut(Schema):
    """409: a business rule said no (an archived client, ...); possible duplicates come with the list."""

    detail: str
    duplicates: list[DuplicateOut] = Field(
        default_factory=list, description="Only when the conflict is possible duplicates: the existing clients."
    )


class NoteOut(Schema):
    id: int
    text: str
    author: str | None = Field(description="Username of the author; null when the account is gone.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_author(obj: Note) -> str | None:
        return obj.author.username if obj.author else None


class NotePage(Schema):
    items: list[NoteOut]
    next_cursor: str | None = Field(description="Always null: every note is on the one page.")


class NoteIn(InputSchema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("text",)))

    text: Text | None = Field(
        None,
        description="Tabs and line breaks are kept; other control characters are refused.",
        json_schema_extra={"maxLength": NOTE_MAX_LENGTH, "minLength": 1, "pattern": MULTI_LINE_NOT_BLANK_PATTERN},
    )


class ColouredSetOut(Schema):
    id: int
    name: str
    color: str = Field(description="#rrggbb")


class ColouredSetPage(Schema):
    items: list[ColouredSetOut]
    next_cursor: str | None = Field(description="Always null: every item is on the one page.")


class ColouredSetIn(InputSchema):
    """Change a group or label (PATCH): only the fields sent change."""

    name: Text | None = Field(
        None,
        description="Unique, ignoring case and Unicode normal form.",
        json_schema_extra={"maxLength": SET_NAME_MAX_LENGTH, **_REQUIRED_TEXT},
    )
    color: Text | None = Field(
        None, description="#rrggbb; a grey when empty.", json_schema_extra={"pattern": "^(#[0-9a-fA-F]{6})?$"}
    )


class ColouredSetCreateIn(ColouredSetIn):
    """Create a group or label."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("name",)))
