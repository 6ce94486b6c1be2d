"""The one filter definition of the case lists: the Sprawy page, a client's Sprawy tab and the API.

Declared on the FilterSet base (kartoteka.core.filtering) like ClientFilter. Sorting by the client,
the owner or the closing date orders by annotations of `selectors.case_rows` (a keyset cursor
needs a plain value per sort key, and open cases have no closing date: they sort after the rest).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kartoteka.cases.models import Case
from kartoteka.clients.search import query_terms
from kartoteka.core.filtering import Choice, DayBound, FilterSet, Reference, Search, Sort, declare

STATUS_ANY = "all"
STATUS_LABELS = {"open": _("Open"), "closed": _("Closed"), STATUS_ANY: _("All")}

# sort parameter -> fields of selectors.case_rows (the id tie-breaker is added by SortSpec)
SORTS: dict[str, tuple[str, ...]] = {
    "id": (),
    "title": ("sort_title",),
    "client": ("client_sort",),
    "status": ("status",),
    "owner": ("owner_sort",),
    "opened_at": ("opened_at",),
    "closed_at": ("closed_sort",),
}
DEFAULT_SORT = "-id"


def case_search(queryset: QuerySet[Any], q: str, *, probe_from: int | None = None) -> QuerySet[Any]:
    """Every word in the case's title or description, or in its client's name (folded: `lodz` finds `Łódź`)."""
    for term in query_terms(q):
        queryset = queryset.filter(Q(search_text__contains=term) | Q(client__search_text__contains=term))
    return queryset


@dataclass(frozen=True)
class CaseFilter(FilterSet):
    model = Case

    q: str = declare(Search(_("Search"), search=case_search), "")
    status: str = declare(Choice(_("Status"), column="status", choices=STATUS_LABELS, any_value=STATUS_ANY), STATUS_ANY)
    owner: int | None = declare(Reference(_("Owner"), column="owner"), None)
    client: int | None = declare(Reference(_("Client"), column="client"), None)
    opened_from: dt.date | None = declare(DayBound(_("Opened from"), column="opened_at"), None)
    opened_to: dt.date | None = declare(DayBound(_("Opened to"), column="opened_at", upper=True), None)
    closed_from: dt.date | None = declare(DayBound(_("Closed from"), column="closed_at"), None)
    closed_to: dt.date | None = declare(DayBound(_("Closed to"), column="closed_at", upper=True), None)
    sort: str = declare(Sort(choices=SORTS), DEFAULT_SORT)


PARAMETERS = CaseFilter.param_names()
