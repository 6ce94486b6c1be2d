"""REST API of messages (R10): the preview of a bulk message, a client's messages, the business
card by e-mail and the card on its own. The bulk send itself is `POST /api/clients/bulk/send_message`
(the bulk registry's endpoint). Every endpoint makes one selector or service call."""

from __future__ import annotations

from typing import Any, Literal, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kartoteka.accounts.models import User
from kartoteka.api.schemas import BODY_ERRORS, ERRORS, PathId
from kartoteka.clients.selectors import client_get
from kartoteka.core.errors import ValidationError
from kartoteka.messaging import selectors, services
from kartoteka.messaging.models import Message
from kartoteka.messaging.schemas import (
    MessageListParams,
    MessageOut,
    MessagePage,
    PreviewIn,
    PreviewOut,
    VariableOut,
    VcardSendIn,
)
from kartoteka.messaging.variables import variables

router = Router(tags=["messages"])

VCARD_RESPONSE = {
    "responses": {
        "200": {
            "description": "The client's card (vCard 3.0 or 4.0, UTF-8).",
            "content": {"text/vcard": {"schema": {"type": "string"}}},
        }
    }
}


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


@router.post("/messages/preview", response={200: PreviewOut, **BODY_ERRORS}, url_name="message_preview")
def message_preview(request: HttpRequest, payload: PreviewIn) -> dict[str, Any]:
    """The message as one client would receive it (nothing is stored or sent). A template with a
    syntax error or an unknown variable is a 422 on `subject` or `body` naming the line."""
    actor = _actor(request)
    if payload.client_id is None:
        raise ValidationError({"client_id": [_("This field is required.")]})
    client = client_get(actor=actor, client_id=payload.client_id)
    return services.message_preview(actor=actor, client=client, subject=payload.subject, body=payload.body)


@router.get("/messages/variables", response={200: list[VariableOut], **ERRORS}, url_name="message_variables")
def message_variables(request: HttpRequest) -> list[dict[str, str]]:
    """The variables a message template may use, as `{{ client.<name> }}`."""
    services.require_sender(actor=_actor(request))
    return [{"name": v.name, "label": str(v.label)} for v in variables()]


@router.get("/clients/{client_id}/messages", response={200: MessagePage, **ERRORS}, url_name="client_messages")
def client_messages(request: HttpRequest, client_id: PathId, params: Query[MessageListParams]) -> dict[str, Any]:
    """The messages sent to the client (bulk messages and business cards), newest first, one page at a time."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=client_id)
    page = selectors.client_message_page(actor=actor, client=client, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/clients/{client_id}/send-vcard", response={202: MessageOut, **BODY_ERRORS}, url_name="client_send_vcard")
def client_send_vcard(request: HttpRequest, client_id: PathId, payload: VcardSendIn) -> Status[Message]:
    """Queue the client's business card (a .vcf attachment, `text/vcard`) to `recipient`; the worker
    sends it (202). Follow it in `GET /api/clients/{id}/messages`."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=client_id)
    defaults = services.vcard_defaults(client)
    message = services.vcard_send(
        actor=actor,
        client=client,
        recipient=payload.recipient,
        subject=defaults["subject"] if payload.subject is None else payload.subject,
        body=defaults["body"] if payload.body is None else payload.body,
        version=payload.version or "3.0",
    )
    return Status(202, message)


@router.get(
    "/clients/{client_id}/vcard", response={200: None, **ERRORS}, url_name="client_vcard", openapi_extra=VCARD_RESPONSE
)
def client_vcard(request: HttpRequest, client_id: PathId, version: Literal["3.0", "4.0"] = "3.0") -> HttpResponse:
    """The client's card on its own, `text/vcard` (3.0; `?version=4.0` for 4.0)."""
    client = client_get(actor=_actor(request), client_id=client_id)
    response = HttpResponse(
        selectors.client_vcard(client=client, version=version), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{services.vcard_file_name(client)}"'
    return response
