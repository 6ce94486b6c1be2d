"""REST API of contact persons and the mail desk's check (R3, R21).

Every endpoint makes one selector or service call; errors are translated by kartoteka.api.api
(422 per field, 404, 403, 409 for an archived client). A contact person answers with
`ETag: "<id>-<version>"`; PATCH and DELETE honour `If-Match` (412 when it changed since).
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from kartoteka.accounts.models import User
from kartoteka.api.conditional import IF_MATCH, answer, conditional_write
from kartoteka.api.schemas import BODY_ERRORS, ERRORS, ErrorOut, PathId
from kartoteka.clients.selectors import client_get
from kartoteka.contacts import selectors, services
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.schemas import (
    ContactCreateIn,
    ContactIn,
    ContactListParams,
    ContactOut,
    ContactPage,
    PickupCheckIn,
    PickupCheckOut,
)

router = Router(tags=["contacts"])  # ETag / If-Match: kartoteka.api.conditional, as clients, cases, tasks


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


@router.get("/clients/{client_id}/contacts", response={200: ContactPage, **ERRORS}, url_name="client_contacts")
def contact_list(request: HttpRequest, client_id: PathId, params: Query[ContactListParams]) -> dict[str, Any]:
    """The client's contact persons, in the order they were added, one page at a time."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=client_id)
    page = selectors.client_contact_page(actor=actor, client=client, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/clients/{client_id}/contacts", response={201: ContactOut, **BODY_ERRORS}, url_name="contact_create")
def contact_create(
    request: HttpRequest, response: HttpResponse, client_id: PathId, payload: ContactCreateIn
) -> Status[ContactPerson]:
    """Add a contact person (409 when the client is archived: its contact persons are read-only)."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=client_id)
    contact = services.contact_create(actor=actor, client=client, data=payload.model_dump(exclude_unset=True))
    answer(response, contact)  # the ETag header
    return Status(201, contact)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, url_name="contact")
def contact_get(request: HttpRequest, response: HttpResponse, contact_id: PathId) -> ContactPerson:
    """One contact person; the `ETag` header is its version, to send back as `If-Match` when changing it."""
    contact = selectors.contact_get(actor=_actor(request), contact_id=contact_id)
    answer(response, contact)  # the ETag header
    return contact


@router.patch(
    "/contacts/{contact_id}", response={200: ContactOut, **BODY_ERRORS, 412: ErrorOut}, url_name="contact_patch"
)
def contact_update(
    request: HttpRequest,
    response: HttpResponse,
    contact_id: PathId,
    payload: ContactIn,
    if_match: str | None = IF_MATCH,
) -> Status[Any]:
    """Change only the fields sent (`null` empties a text field). Honours If-Match (412 when stale)."""
    actor = _actor(request)
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    data = payload.model_dump(exclude_unset=True)
    return conditional_write(
        response,
        contact,
        if_match,
        lambda version: services.contact_update(actor=actor, contact=contact, data=data, expected_version=version),
        stale=services.StaleContact,
    )


@router.delete("/contacts/{contact_id}", response={204: None, **ERRORS, 412: ErrorOut}, url_name="contact_delete")
def contact_delete(
    request: HttpRequest, response: HttpResponse, contact_id: PathId, if_match: str | None = IF_MATCH
) -> Status[Any]:
    """Remove a contact person. Honours If-Match (412 when it changed since your GET)."""
    actor = _actor(request)
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    return conditional_write(
        response,
        contact,
        if_match,
        lambda version: services.contact_delete(actor=actor, contact=contact, expected_version=version),
        stale=services.StaleContact,
    )


@router.post(
    "/clients/{client_id}/mail-pickup-check",
    response={200: PickupCheckOut, **BODY_ERRORS},
    url_name="mail_pickup_check",
)
def mail_pickup_check(request: HttpRequest, client_id: PathId, payload: PickupCheckIn) -> dict[str, Any]:
    """May this person collect the client's mail? A POST, so that names and ID document numbers
    stay out of URLs and access logs. Changes nothing."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=client_id)
    answer = selectors.mail_pickup_check(
        actor=actor, client=client, name=payload.name or "", document_number=payload.document_number or ""
    )
    reason = None
    if answer.result == selectors.PickupResult.NOT_ALLOWED:
        reason = "document_mismatch" if answer.document_mismatch else "no_permission"
    return {
        "result": str(answer.result),
        "contact_id": answer.contact.pk if answer.contact else None,
        "reason": reason,
        "document_on_file": answer.document_on_file,
    }
