"""JSON shapes of the contact-persons API. As in the client API, the schemas only refuse what is
not even the right shape (unknown fields, wrong JSON types); values are checked by the services,
with the web form's per-field messages, and the OpenAPI document states the same rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kartoteka.api.schemas import Bool, InputSchema, Text, documented
from kartoteka.clients.validation import (
    MULTI_LINE_NOT_BLANK_PATTERN,
    SINGLE_LINE_NOT_BLANK_PATTERN,
    SINGLE_LINE_PATTERN,
)
from kartoteka.contacts import fields
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.selectors import DOCUMENT_INPUT_LIMIT, MAX_NAME_LENGTH
from kartoteka.contacts.validation import DOCUMENT_PATTERN, input_limit


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
    version: int = Field(description='Changes with every edit; send the ETag `"<id>-<version>"` back as `If-Match`.')
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


def _empty_or(**rules: Any) -> Callable[[dict[str, Any]], None]:
    """Documents an optional value with a format: null, "" (none) or a string of that format, with no
    surrounding spaces (the service strips them, but the format does not admit them)."""

    def adjust(schema: dict[str, Any]) -> None:
        schema["anyOf"] = [{"type": "string", "maxLength": 0}, {"type": "string", **rules}, {"type": "null"}]

    return adjust


FLAG_NAMES = tuple(f.name for f in fields.FLAGS)


class ContactIn(InputSchema):
    """Change a contact person (PATCH): only the fields sent change; `null` empties a text field.
    The flags take `true` or `false` only."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=documented(not_null=("first_name", "last_name", *FLAG_NAMES))
    )

    first_name: Text | None = _text("first_name", "Required when creating.", **_REQUIRED_TEXT)
    last_name: Text | None = _text("last_name", "Required when creating.", **_REQUIRED_TEXT)
    email: Text | None = Field(
        None,
        description="An e-mail address, stored lower-case; empty or null: none.",
        json_schema_extra=_empty_or(format="email", maxLength=input_limit(fields.BY_NAME["email"])),
    )
    phone: Text | None = Field(
        None,
        description="A valid phone number in any common notation (+48 600 123 456, 600-123-456, +44 20 7946 0958), "
        "checked against the numbering plans (format `phone`); stored as E.164 (region PL by default). "
        "Empty or null: none.",
        json_schema_extra=_empty_or(format="phone", maxLength=input_limit(fields.BY_NAME["phone"])),
    )
    position: Text | None = _text("position")
    # Strict: true or false, never null, 0/1 or "yes" (a flag sent is a decision; leave it out to keep
    # it). The None default is never validated nor dumped (exclude_unset): it only makes the key optional.
    is_contact_person: Bool = Field(None, description="True when not given on create.")  # type: ignore[assignment]
    may_collect_mail: Bool = Field(None, description="May collect the client's mail at the desk.")  # type: ignore[assignment]
    may_represent: Bool = Field(None, description="May represent the client.")  # type: ignore[assignment]
    id_document_number: Text | None = _text(
        "id_document_number",
        "ID card or passport number: 5-20 letters and digits (spaces and dashes are dropped); "
        "the mail desk's check compares it.",
        pattern=DOCUMENT_PATTERN,
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
        json_schema_extra={"maxLength": DOCUMENT_INPUT_LIMIT, "pattern": DOCUMENT_PATTERN},
    )


class PickupCheckOut(Schema):
    result: Literal["allowed", "not_allowed", "unknown"]
    contact_id: int | None = Field(description="The contact person the answer is about; null when unknown.")
    reason: Literal["document_mismatch", "no_permission"] | None = Field(
        None, description="Why not_allowed: the document number differs from the one on file, or no permission."
    )
    document_on_file: bool = Field(False, description="Allowed, and a document number is on file: check it.")
