"""The one filter definition of the client list.

The HTML list, the API list, bulk "select all matching" and (later) exports and reports all
build a ClientFilter from request parameters and apply it, so they always agree. Parsing,
canonical URLs, chips and the fast pages come from kartoteka.core.filtering.FilterSet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.clients.search import search_filter, search_join
from kartoteka.core.filtering import (
    WALK_KEY,
    Choice,
    DayBound,
    FilterSet,
    Flag,
    Membership,
    ParamFamily,
    Related,
    Search,
    Sort,
    declare,
)

STATUS_ANY = "all"
STATUS_LABELS = {"active": _("Active"), "inactive": _("Inactive"), STATUS_ANY: _("All")}
STATUS_CHOICES = tuple(STATUS_LABELS)

# sort parameter -> model fields (the id tie-breaker is added by SortSpec)
SORTS: dict[str, tuple[str, ...]] = {
    "id": (),
    "name": ("sort_name",),
    "last_name": ("sort_name",),
    "email": ("email",),
    "phone": ("phone",),
    "created_at": ("created_at",),
    "status": ("status",),
}
DEFAULT_SORT = "-id"

__all__ = ["DEFAULT_SORT", "PARAMETERS", "SORTS", "STATUS_CHOICES", "WALK_KEY", "ClientFilter"]


@dataclass(frozen=True)
class ClientFilter(FilterSet):
    model = Client

    q: str = declare(
        Search(
            _("Search"),
            search=search_filter,
            join=search_join,
            help="Search: any part of a name, e-mail, phone, NIP or city.",
        ),
        "",
    )
    status: str = declare(
        Choice(
            _("Status"),
            column="status",
            choices=STATUS_LABELS,
            any_value=STATUS_ANY,
            help="`active` (default; `all` in the archive), `inactive` or `all`.",
        ),
        "active",
    )
    group: int | None = declare(Membership(_("Group"), relation="groups", help="Group id."), None)
    label: int | None = declare(Membership(_("Label"), relation="labels", help="Label id."), None)
    created_from: dt.date | None = declare(DayBound(_("Created from"), column="created_at"), None)
    created_to: dt.date | None = declare(DayBound(_("Created to"), column="created_at", upper=True), None)
    # attr.<key>=..., attr.<key>__gte=...: parsed by the attributes app (attributes/filters.py).
    attributes: tuple[Any, ...] = declare(ParamFamily(_("Attribute"), prefix="attr.", family="attributes"), ())
    has_portal: str | None = declare(Related(_("Has client panel"), relation="portal_users"), None)
    archived: bool = declare(Flag(column="archived_at"), False)
    sort: str = declare(Sort(choices=SORTS), DEFAULT_SORT)

    @classmethod
    def defaults_for(cls, context: Mapping[str, Any]) -> dict[str, Any]:
        return {"status": STATUS_ANY} if context.get("archived") else {}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


PARAMETERS = ClientFilter.param_names()
