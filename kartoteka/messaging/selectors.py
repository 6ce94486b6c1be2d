"""Reading messages: a client's, newest first, one keyset page at a time."""

from __future__ import annotations

from django.db.models import QuerySet

from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_scope
from kartoteka.core.actors import Actor
from kartoteka.core.pagination import Page, SortSpec, paginate
from kartoteka.core.permissions import require_perm
from kartoteka.messaging.models import Message

NEWEST_FIRST = SortSpec(("created_at",), descending=True, name="-created")


def message_scope(*, actor: Actor) -> QuerySet[Message]:
    """The messages of the clients the actor may see."""
    require_perm(actor, "messaging.view_message")
    return Message.objects.filter(client__in=client_scope(actor=actor))


def client_message_page(*, actor: Actor, client: Client, cursor: str | None, limit: int) -> Page[Message]:
    queryset = message_scope(actor=actor).filter(client=client).select_related("sent_by")
    return paginate(queryset, NEWEST_FIRST, cursor=cursor, limit=limit)


def client_message_problems(*, actor: Actor, client: Client) -> int:
    """The tab's badge: messages that failed (one query)."""
    return message_scope(actor=actor).filter(client=client, status=Message.Status.FAILED).count()


def client_vcard(*, client: Client, version: str = "3.0") -> str:
    """The client's business card as vCard text (the client already read through the actor's scope)."""
    from kartoteka.exports.vcard import card_from_client, vcard

    return vcard(card_from_client(client), version=version)
