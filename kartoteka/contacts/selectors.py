"""Reads of contact persons, and the mail desk's check (R3.3). Each starts from the actor's scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_scope
from kartoteka.clients.validation import check_text
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.validation import normalise_document_number
from kartoteka.core.actors import Actor
from kartoteka.core.errors import NotFound, ValidationError
from kartoteka.core.pagination import Page, SortSpec, paginate
from kartoteka.core.permissions import require_perm
from kartoteka.core.text import fold

API_ORDER = SortSpec(fields=(), descending=False)  # by id: a stable cursor whatever gets renamed


def contact_scope(*, actor: Actor) -> QuerySet[ContactPerson]:
    """The contact persons the actor may see: those of the clients the actor may see.

    Today every client is in every staff scope, so this is every contact person; when client_scope
    narrows, this must follow it (a join, not an `IN (all client ids)`, to stay cheap).
    """
    client_scope(actor=actor)
    require_perm(actor, "contacts.view_contactperson")
    return ContactPerson.objects.all()


def client_contacts(*, actor: Actor, client: Client) -> QuerySet[ContactPerson]:
    """One client's contact persons, by last and first name (a client has a handful, all shown)."""
    return contact_scope(actor=actor).filter(client=client).order_by("last_name", "first_name", "id")


def client_contact_page(*, actor: Actor, client: Client, cursor: str | None, limit: int) -> Page[ContactPerson]:
    return paginate(contact_scope(actor=actor).filter(client=client), API_ORDER, cursor=cursor, limit=limit)


def contact_get(*, actor: Actor, contact_id: int, client: Client | None = None) -> ContactPerson:
    queryset = contact_scope(actor=actor).select_related("client")
    if client is not None:
        queryset = queryset.filter(client=client)
    contact = queryset.filter(id=contact_id).first()
    if contact is None:
        raise NotFound(_("Contact person not found."))
    return contact


# --- the mail desk's check -----------------------------------------------------------


class PickupResult(StrEnum):
    ALLOWED = "allowed"  # a contact person of the client with "may collect mail"
    NOT_ALLOWED = "not_allowed"  # such a person exists, but without the flag or with another document
    UNKNOWN = "unknown"  # no contact person of the client has this name


@dataclass(frozen=True)
class PickupAnswer:
    result: PickupResult
    contact: ContactPerson | None = None
    document_mismatch: bool = False  # refused because the document number on file differs
    document_on_file: bool = False  # allowed, and the desk should see the document on file


def name_key(text: str) -> tuple[str, ...]:
    """A name compared regardless of case, diacritics, spaces and order: 'kowalski  JAN' == 'Jan Kowalski'."""
    return tuple(sorted(part for part in re.split(r"[\s,;]+", fold(text)) if part))


MAX_NAME_LENGTH = 201
DOCUMENT_INPUT_LIMIT = 40


def mail_pickup_check(*, actor: Actor, client: Client, name: str, document_number: str = "") -> PickupAnswer:
    """May the person of this name (with this ID document, if given) collect the client's mail?

    Only the whole name counts: the same surname with another first name is no contact person
    at all (one word alone matches nobody: every contact person has both names). When a person
    has a document number on file, a number given must be that one.
    """
    name, document = _clean_check_input(name or "", document_number or "")
    key = name_key(name)
    same_name = [c for c in client_contacts(actor=actor, client=client) if name_key(c.full_name) == key]
    if not same_name:
        return PickupAnswer(PickupResult.UNKNOWN)
    for contact in same_name:
        if contact.may_collect_mail and _document_fits(contact, document):
            return PickupAnswer(PickupResult.ALLOWED, contact, document_on_file=bool(contact.id_document_number))
    mismatched = [c for c in same_name if c.may_collect_mail and not _document_fits(c, document)]
    if mismatched:
        return PickupAnswer(PickupResult.NOT_ALLOWED, mismatched[0], document_mismatch=True)
    return PickupAnswer(PickupResult.NOT_ALLOWED, same_name[0])


def _clean_check_input(name: str, document_number: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    document = ""
    try:
        check_text(name, limit=MAX_NAME_LENGTH)
        if not name.strip():
            raise ValidationError(_("Enter the person's first and last name."), code="required")
    except ValidationError as exc:
        errors["name"] = list(exc.messages)
    try:
        check_text(document_number, limit=DOCUMENT_INPUT_LIMIT)
        document = normalise_document_number(document_number)
    except ValidationError as exc:
        errors["document_number"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return name, document


def _document_fits(contact: ContactPerson, document: str) -> bool:
    return not (contact.id_document_number and document) or contact.id_document_number == document
