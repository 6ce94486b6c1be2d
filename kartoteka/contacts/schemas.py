"""JSON shapes of the contact-persons API. As in the client API, the schemas only refuse what is
not even the right shape (unknown fields, wrong JSON types); values are checked by the services,
with the web form's per-field messages, and the OpenAPI document states the same rules."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kartoteka.api.schemas import InputSchema, Text, documented
from kartoteka.clients.validation import (
    MULTI_LINE_NOT_BLANK_PATTERN,
    SINGLE_LINE_NOT_BLANK_PATTERN,
    SINGLE_LINE_PATTERN,
)
from kartoteka.contacts import fields
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.selectors import DOCUMENT_INPUT_LIMIT, MAX_NAME_LENGTH
from kartoteka.contacts.validation import DOCUMENT_INPUT_PATTERN, input_limit


class ContactOut(Schema):
    id: int
    client: int = Field(description="Id of the client the person belongs to.")
    first_name: str
    last_name: str
    email: str
    phone: str = Field(description="E.164, e.g. +48600123456; empty when unknown.")
    position: str
    is_contact_person: bool
    may_collect_mail: bool
    may_represent: bool
    id_document_number: str = Field(description="Upper-case letters and digits, no separators; empty when unknown.")
    additional_info: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_client(obj: ContactPerson) -> int:
        return obj.client_id


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class ContactListParams(Schema):
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Contact persons per page, 1 to 200.")


def _text(name: str, description: str | None = None, **rules: Any) -> Any:
    """An optional text field; its documented rules are the ones the service enforces."""
    field = fields.BY_NAME[name]
    # Multi-line: empty, or any text without control characters other than tabs and line breaks.
    pattern = "^(" + MULTI_LINE_NOT_BLANK_PATTERN.strip("^$") + ")?$" if field.multi_line else SINGLE_LINE_PATTERN
    extra = {"maxLength": input_limit(field), "pattern": pattern, **rules}
    return Field(None, description=description, json_schema_extra=extra)


_REQUIRED_TEXT: dict[str, Any] = {"minLength": 1, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN}


class ContactIn(InputSchema):
    """Change a contact person (PATCH): only the fields sent change; `null` empties a field or clears a flag."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(not_null=("first_name", "last_name")))

    first_name: Text | None = _text("first_name", "Required when creating.", **_REQUIRED_TEXT)
    last_name: Text | None = _text("last_name", "Required when creating.", **_REQUIRED_TEXT)
    email: Text | None = _text("email", "Stored lower-case.")
    phone: Text | None = _text("phone", "Any common notation; stored as E.164 (region PL by default).")
    position: Text | None = _text("position")
    is_contact_person: bool | None = Field(None, description="True when not given on create.")
    may_collect_mail: bool | None = Field(None, description="May collect the client's mail at the desk.")
    may_represent: bool | None = None
    id_document_number: Text | None = _text(
        "id_document_number",
        "ID card or passport number: 5-20 letters and digits (spaces and dashes are dropped); "
        "the mail desk's check compares it.",
        pattern=DOCUMENT_INPUT_PATTERN,
    )
    additional_info: Text | None = _text("additional_info", "Tabs and line breaks are kept.")


class ContactCreateIn(ContactIn):
    """Add a contact person."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("first_name", "last_name")))


class PickupCheckIn(InputSchema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("name",)))

    name: Text | None = Field(
        None,
        description="First and last name, in any order, case, spacing or spelling of Polish letters.",
        json_schema_extra={"maxLength": MAX_NAME_LENGTH, "minLength": 1, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN},
    )
    document_number: Text | None = Field(
        None,
        description="The ID document shown at the desk (optional).",
        json_schema_extra={"maxLength": DOCUMENT_INPUT_LIMIT, "pattern": DOCUMENT_INPUT_PATTERN},
    )


class PickupCheckOut(Schema):
    result: Literal["allowed", "not_allowed", "unknown"]
    contact_id: int | None = Field(description="The contact person the answer is about; null when unknown.")
    reason: Literal["document_mismatch", "no_permission"] | None = Field(
        None, description="Why not_allowed: the document number differs from the one on file, or no permission."
    )
    document_on_file: bool = Field(False, description="Allowed, and a document number is on file: check it.")
