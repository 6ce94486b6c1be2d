"""Every read of the portal app: staff reads go through the client scope and the permission; the
portal's own reads are always limited to the portal user's client (another client's id: 404)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_scope
from kartoteka.core.actors import Actor
from kartoteka.core.errors import NotFound
from kartoteka.core.permissions import require_perm
from kartoteka.portal.models import PortalUser


def portal_user_scope(*, actor: Actor) -> QuerySet[PortalUser]:
    require_perm(actor, "portal.view_portaluser")
    return PortalUser.objects.filter(client__in=client_scope(actor=actor))


def client_portal_users(*, actor: Actor, client: Client) -> QuerySet[PortalUser]:
    return portal_user_scope(actor=actor).filter(client=client).order_by("email", "id")


def portal_user_get(*, actor: Actor, user_id: int, client: Client | None = None) -> PortalUser:
    users = portal_user_scope(actor=actor).select_related("client")
    if client is not None:
        users = users.filter(client=client)
    found = users.filter(pk=user_id).first()
    if found is None:
        raise NotFound(_("Portal user not found."))
    return found


def has_portal_condition() -> Exists:
    """The clients with at least one portal user: one EXISTS, for the list's filter and column."""
    return Exists(PortalUser.objects.filter(client=OuterRef("pk")))
