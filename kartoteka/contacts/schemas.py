"""JSON shapes of the contact-persons API. Input fields are optional at the schema level: the
services validate them and give each field its own translated message (as the client API does)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema


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
    def resolve_client(obj: object) -> int:
        return int(obj.client_id)  # type: ignore[attr-defined]


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class ContactListParams(Schema):
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Contact persons per page, 1 to 200.")


class ContactIn(Schema):
    """Create (POST) or change (PATCH: only the fields sent) a contact person."""

    first_name: str | None = Field(None, description="Required when creating.")
    last_name: str | None = Field(None, description="Required when creating.")
    email: str | None = Field(None, description="Stored lower-case.")
    phone: str | None = Field(None, description="Any common notation; stored as E.164 (region PL by default).")
    position: str | None = None
    is_contact_person: bool | None = Field(None, description="True when creating unless given.")
    may_collect_mail: bool | None = Field(None, description="May collect the client's mail at the desk.")
    may_represent: bool | None = None
    id_document_number: str | None = Field(
        None, description="ID card or passport number; the mail desk check compares it when given."
    )
    additional_info: str | None = None


class PickupCheckIn(Schema):
    name: str = Field("", description="First and last name, in any order, case and spelling of diacritics.")
    document_number: str | None = Field(None, description="The ID document shown at the desk (optional).")


class PickupCheckOut(Schema):
    result: Literal["allowed", "not_allowed", "unknown"]
    contact_id: int | None = Field(description="The contact person the answer is about; null when unknown.")
    reason: Literal["document_mismatch", "no_permission"] | None = Field(
        None, description="Why not_allowed: the document number differs from the one on file, or no permission."
    )
    document_on_file: bool = Field(False, description="Allowed, and a document number is on file: check it.")
