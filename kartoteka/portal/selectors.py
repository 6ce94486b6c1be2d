"""Every read of the portal app: staff reads go through the client scope and the permission; the
portal's own reads are always limited to the portal user's client (another client's id: 404)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from kartoteka.cases.models import Case
from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_scope
from kartoteka.core.actors import Actor
from kartoteka.core.errors import NotFound
from kartoteka.core.permissions import require_perm
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.scans import scan_path
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


# --- the portal's own reads: always the portal user's client ------------------------------------


def portal_cases(*, user: PortalUser) -> QuerySet[Case]:
    """The client's cases as the client sees them: title, status, dates (not the staff's description)."""
    return (
        Case.objects.filter(client_id=user.client_id)
        .only("id", "client_id", "title", "status", "opened_at", "closed_at")
        .order_by("-opened_at", "-id")
    )


def portal_case_get(*, user: PortalUser, case_id: int) -> Case:
    found = portal_cases(user=user).filter(pk=case_id).first()
    if found is None:
        raise NotFound(_("Case not found."))
    return found


PORTAL_MAIL_FIELDS = (
    "id", "client_id", "received_on", "sender", "kind", "status", "collected_at", "collected_by_name",
    "forwarded_on", "scan_file", "scan_name", "scan_type", "scanned_at",
)  # fmt: skip


def portal_mail(*, user: PortalUser) -> QuerySet[MailItem]:
    """The client's mail, newest first (not the staff's notes about it)."""
    return MailItem.objects.filter(client_id=user.client_id).only(*PORTAL_MAIL_FIELDS).order_by("-received_on", "-id")


def portal_mail_scan(*, user: PortalUser, mail_id: int) -> tuple[MailItem, str]:
    """One of the client's mail items and the path of its scan; NotFound otherwise."""
    item = portal_mail(user=user).filter(pk=mail_id).first()
    path = scan_path(item.scan_file) if item is not None and item.scan_file else None
    if item is None or path is None or not path.is_file():
        raise NotFound(_("This mail item has no scan."))
    return item, str(path)
