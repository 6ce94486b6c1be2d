"""Every read of mail items. Each starts from the actor's scope: the mail of the clients they may see."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_scope
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.selectors import client_contacts
from kartoteka.core.actors import Actor
from kartoteka.core.errors import NotFound
from kartoteka.core.pagination import Page
from kartoteka.core.permissions import require_perm
from kartoteka.mailroom.filters import MailFilter
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.scans import scan_path


def mail_scope(*, actor: Actor) -> QuerySet[MailItem]:
    """Every mail item the actor may see: with `mailroom.view_mailitem`, the mail of the clients in their scope.

    Today every client is in every staff scope, so this is every item; when client_scope narrows,
    this must follow it (a join, not an `IN (all client ids)`, to keep a page at one index walk).
    """
    client_scope(actor=actor)
    require_perm(actor, "mailroom.view_mailitem")
    return MailItem.objects.all()


def mail_rows(*, actor: Actor) -> QuerySet[MailItem]:
    """The scope with what a list shows (the client: one query for the page) and sorts by."""
    return mail_scope(actor=actor).select_related("client").annotate(client_sort=F("client__sort_name"))


def mail_list(*, actor: Actor, filters: MailFilter, cursor: str | None, limit: int) -> Page[MailItem]:
    """One page of the filtered, sorted list: a fixed number of queries whatever the page size."""
    return filters.page(mail_rows(actor=actor), cursor=cursor, limit=limit)


def mail_count(*, actor: Actor, filters: MailFilter) -> int:
    return filters.apply(mail_scope(actor=actor)).count()


def mail_count_shown(*, actor: Actor, filters: MailFilter, cap: int) -> tuple[int, bool]:
    """What the page says matches: the exact count up to `cap`, else (cap, True) — "more than".
    Counting a million rows for a search costs seconds; counting to the cap stops early."""
    found = filters.apply(mail_scope(actor=actor)).values("id")[: cap + 1].count()
    return min(found, cap), found > cap


def mail_get(*, actor: Actor, mail_id: int, client: Client | None = None) -> MailItem:
    """One mail item (of `client`, when given: an id of another client's item finds nothing)."""
    queryset = mail_scope(actor=actor).select_related("client", "collected_by", "handed_over_by")
    if client is not None:
        queryset = queryset.filter(client=client)
    item = queryset.filter(id=mail_id).first()
    if item is None:
        raise NotFound(_("Mail item not found."))
    return item


def mail_waiting_count(*, actor: Actor, client: Client) -> int:
    """Mail still at the office (received or scanned) for the client: the Poczta tab's badge."""
    return mail_scope(actor=actor).filter(client=client, status__in=["received", "scanned"]).count()


def mail_collectors(*, actor: Actor, client: Client) -> list[ContactPerson]:
    """The client's contact persons who may collect its mail: whom the collect dialog offers."""
    return [c for c in client_contacts(actor=actor, client=client) if c.may_collect_mail]


def mail_scan_get(*, actor: Actor, mail_id: int) -> tuple[MailItem, str]:
    """The item and the path of its stored scan; NotFound when the actor may not see it or it has none."""
    item = mail_get(actor=actor, mail_id=mail_id)
    path = scan_path(item.scan_file) if item.scan_file else None
    if path is None or not path.is_file():
        raise NotFound(_("This mail item has no scan."))
    return item, str(path)


def client_name(*, actor: Actor, client_id: int) -> str | None:
    client = client_scope(actor=actor).filter(pk=client_id).first()
    return client.display_name if client else None
