"""REST API of portal users: a client's list, invite, block, unblock (bulk: the registry's
`block_users` / `unblock_users`). Errors are translated by kartoteka.api.api (422 per field,
404, 403, 409 for a business rule: archived client, already activated, already blocked)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router, Status

from kartoteka.accounts.models import User
from kartoteka.api.schemas import BODY_ERRORS, ERRORS, PathId
from kartoteka.clients.selectors import client_get
from kartoteka.portal import selectors, services
from kartoteka.portal.models import PortalUser
from kartoteka.portal.schemas import PortalUserInviteIn, PortalUserList, PortalUserOut

router = Router(tags=["portal users"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


@router.get("/clients/{client_id}/portal-users", response={200: PortalUserList, **ERRORS}, url_name="portal_users")
def portal_user_list(request: HttpRequest, client_id: PathId) -> dict[str, Any]:
    """The client's portal users (people who log in to the client portal for it), by e-mail."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=client_id)
    return {"items": list(selectors.client_portal_users(actor=actor, client=client))}


@router.post(
    "/clients/{client_id}/portal-users", response={201: PortalUserOut, **BODY_ERRORS}, url_name="portal_user_invite"
)
def portal_user_invite(request: HttpRequest, client_id: PathId, payload: PortalUserInviteIn) -> Status[PortalUser]:
    """Invite a person: creates the portal user (or renews a pending invitation) and e-mails a
    one-time link to set the password. 409 when the client is archived, the address already has
    an activated account of this client, or it is another client's portal login."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=client_id)
    data = payload.model_dump(exclude_unset=True)
    user = services.portal_user_invite(
        actor=actor, client=client, email=data.get("email") or "", name=data.get("name") or "", language=get_language()
    )
    return Status(201, user)


@router.post("/portal-users/{user_id}/block", response={200: PortalUserOut, **ERRORS}, url_name="portal_user_block")
def portal_user_block(request: HttpRequest, user_id: PathId) -> PortalUser:
    """Block: the user cannot log in, and an open portal session ends at its next request (409 if blocked)."""
    actor = _actor(request)
    return services.portal_user_block(actor=actor, user=selectors.portal_user_get(actor=actor, user_id=user_id))


@router.post("/portal-users/{user_id}/unblock", response={200: PortalUserOut, **ERRORS}, url_name="portal_user_unblock")
def portal_user_unblock(request: HttpRequest, user_id: PathId) -> PortalUser:
    """Unblock: the user may log in again (unless the client is archived). 409 when not blocked."""
    actor = _actor(request)
    return services.portal_user_unblock(actor=actor, user=selectors.portal_user_get(actor=actor, user_id=user_id))
