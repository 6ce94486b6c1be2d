"""JSON shapes of the clients API. Field names are the model's (the API convention of R21).

Input fields are optional at the schema level on purpose: the services validate them and give
each field its own translated message, the same one the web form shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from kartoteka.clients import fields
from kartoteka.clients.models import Client, Note


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


class ClientListParams(Schema):
    """The list's query parameters. The filter ones are parsed by ClientFilter, like the web list's."""

    q: str | None = Field(None, description="Search: any part of a name, e-mail, phone, NIP or city.")
    status: str | None = Field(None, description="`active` (default), `inactive` or `all`.")
    group: str | None = Field(None, description="Group id.")
    label: str | None = Field(None, description="Label id.")
    created_from: str | None = Field(None, description="Created on or after this day, YYYY-MM-DD.")
    created_to: str | None = Field(None, description="Created on or before this day, YYYY-MM-DD.")
    sort: str | None = Field(
        None, description="id, name, last_name, email, phone, created_at or status; `-` for descending (default -id)."
    )
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Clients per page, 1 to 200.")
    count: bool = Field(False, description="Also return the number of matching clients.")


CLIENT_INPUT_FIELDS = fields.EDITABLE  # ClientIn's client fields (a test checks they match)


class ClientIn(Schema):
    """Create (POST), replace (PUT) or change (PATCH: only the fields sent) a client."""

    first_name: str | None = Field(None, description="Required when creating.")
    last_name: str | None = None
    company_name: str | None = None
    email: str | None = Field(None, description="Required when creating; stored lower-case.")
    phone: str | None = Field(None, description="Any common notation; stored as E.164 (region PL by default).")
    website: str | None = None
    nip: str | None = Field(None, description="With or without dashes or a PL prefix; check digit verified.")
    street: str | None = None
    city: str | None = None
    postal_code: str | None = Field(None, description="NN-NNN for Poland.")
    country: str | None = Field(None, description="Two-letter code; PL when empty.")
    groups: list[int] | None = Field(None, description="Group ids; replace the client's groups when given.")
    labels: list[int] | None = Field(None, description="Label ids; replace the client's labels when given.")
    allow_duplicates: bool = Field(False, description="Save even if clients with the same e-mail, NIP or phone exist.")


class StatusIn(Schema):
    status: str = Field("", description="`active` or `inactive`.")


class DuplicateOut(Schema):
    id: int
    name: str
    email: str


class DuplicatesError(Schema):
    detail: str
    duplicates: list[DuplicateOut]


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


class NoteIn(Schema):
    text: str = ""


class ColouredSetOut(Schema):
    id: int
    name: str
    color: str = Field(description="#rrggbb")


class ColouredSetPage(Schema):
    items: list[ColouredSetOut]
    next_cursor: str | None = Field(description="Always null: every item is on the one page.")


class ColouredSetIn(Schema):
    name: str | None = None
    color: str | None = Field(None, description="#rrggbb; a grey when empty.")


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="Messages per field; `__all__` for the request as a whole.")
