"""The one filter definition of the mail lists: the Korespondencja page, a client's Poczta tab and the API.

Declared on the FilterSet base (kartoteka.core.filtering) like CaseFilter. Newest mail first; the
indexes (models.MailItem.Meta) let a page walk the received day in order, for everyone or for one
client (archived clients included: the filter reads every client in the actor's scope).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.search import query_terms
from kartoteka.core.filtering import Choice, DayBound, FilterSet, Reference, Search, Sort, declare
from kartoteka.mailroom.models import MailItem

ANY = "all"
STATUS_LABELS = {**dict(MailItem.Status.choices), ANY: _("All")}
KIND_LABELS = {**dict(MailItem.Kind.choices), ANY: _("All")}

# sort parameter -> fields of selectors.mail_rows (the id tie-breaker is added by SortSpec)
SORTS: dict[str, tuple[str, ...]] = {
    "id": (),
    "received_on": ("received_on",),
    "sender": ("sort_sender",),
    "client": ("client_sort",),
    "kind": ("kind",),
    "status": ("status",),
}
DEFAULT_SORT = "-received_on"


def mail_search(queryset: QuerySet[Any], q: str, *, probe_from: int | None = None) -> QuerySet[Any]:
    """Every word in the sender or the note, or in the client's name (folded: `lodz` finds `Łódź`)."""
    for term in query_terms(q):
        queryset = queryset.filter(Q(search_text__contains=term) | Q(client__search_text__contains=term))
    return queryset


@dataclass(frozen=True)
class MailFilter(FilterSet):
    model = MailItem

    q: str = declare(Search(_("Search"), search=mail_search), "")
    client: int | None = declare(Reference(_("Client"), column="client"), None)
    status: str = declare(Choice(_("Status"), column="status", choices=STATUS_LABELS, any_value=ANY), ANY)
    kind: str = declare(Choice(_("Type"), column="kind", choices=KIND_LABELS, any_value=ANY), ANY)
    received_from: dt.date | None = declare(DayBound(_("Received from"), column="received_on"), None)
    received_to: dt.date | None = declare(DayBound(_("Received to"), column="received_on", upper=True), None)
    sort: str = declare(Sort(choices=SORTS), DEFAULT_SORT)


PARAMETERS = MailFilter.param_names()
