"""REST API of contact persons and the mail desk's check (R3, R21).

Every endpoint makes one selector or service call; errors are translated by kartoteka.api.api
(422 per field, 404, 403, 409 for an archived client).
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja import Query, Router, Status

from kartoteka.accounts.models import User
from kartoteka.clients.schemas import ErrorOut, ValidationErrorOut
from kartoteka.clients.selectors import client_get
from kartoteka.contacts import selectors, services
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.schemas import (
    ContactIn,
    ContactListParams,
    ContactOut,
    ContactPage,
    PickupCheckIn,
    PickupCheckOut,
)

router = Router(tags=["contacts"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


@router.get("/clients/{client_id}/contacts", response={200: ContactPage, **ERRORS}, url_name="client_contacts")
def contact_list(request: HttpRequest, client_id: int, params: Query[ContactListParams]) -> dict[str, Any]:
    """The client's contact persons, in the order they were added, one page at a time."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=client_id)
    page = selectors.client_contact_page(actor=actor, client=client, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/clients/{client_id}/contacts", response={201: ContactOut, **ERRORS}, url_name="contact_create")
def contact_create(request: HttpRequest, client_id: int, payload: ContactIn) -> Status[ContactPerson]:
    """Add a contact person (409 when the client is archived: its contact persons are read-only)."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=client_id)
    data = payload.model_dump(exclude_unset=True, exclude_none=True)
    return Status(201, services.contact_create(actor=actor, client=client, data=data))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, url_name="contact")
def contact_get(request: HttpRequest, contact_id: int) -> ContactPerson:
    return selectors.contact_get(actor=_actor(request), contact_id=contact_id)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, url_name="contact_patch")
def contact_update(request: HttpRequest, contact_id: int, payload: ContactIn) -> ContactPerson:
    """Change only the fields sent (null leaves a field as it is)."""
    actor = _actor(request)
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    data = payload.model_dump(exclude_unset=True, exclude_none=True)
    return services.contact_update(actor=actor, contact=contact, data=data)


@router.delete("/contacts/{contact_id}", response={204: None, **ERRORS}, url_name="contact_delete")
def contact_delete(request: HttpRequest, contact_id: int) -> Status[None]:
    actor = _actor(request)
    services.contact_delete(actor=actor, contact=selectors.contact_get(actor=actor, contact_id=contact_id))
    return Status(204, None)


@router.post(
    "/clients/{client_id}/mail-pickup-check", response={200: PickupCheckOut, **ERRORS}, url_name="mail_pickup_check"
)
def mail_pickup_check(request: HttpRequest, client_id: int, payload: PickupCheckIn) -> dict[str, Any]:
    """May this person collect the client's mail? A POST, so that names and ID document numbers
    stay out of URLs and access logs. Changes nothing."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=client_id)
    answer = selectors.mail_pickup_check(
        actor=actor, client=client, name=payload.name, document_number=payload.document_number or ""
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
