"""The one filter definition of the client list.

The HTML list, the API list, bulk "select all matching" and (later) exports and reports all
build a ClientFilter from request parameters and apply it, so they always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.clients.models import Client
from kartoteka.clients.search import search_filter
from kartoteka.core.pagination import SortSpec

STATUS_ANY = "all"
STATUS_CHOICES = ("active", "inactive", STATUS_ANY)

# sort parameter -> model fields (the id tie-breaker is added by SortSpec)
SORTS: dict[str, tuple[str, ...]] = {
    "id": (),
    "name": ("last_name", "first_name"),
    "last_name": ("last_name", "first_name"),
    "email": ("email",),
    "phone": ("phone",),
    "created_at": ("created_at",),
    "status": ("status",),
}
DEFAULT_SORT = "-id"


@dataclass(frozen=True)
class ClientFilter:
    q: str = ""
    status: str = "active"
    group: int | None = None
    label: int | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    archived: bool = False
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, archived: bool = False) -> ClientFilter:
        """Parse request parameters; raise ValidationError with a message per bad parameter."""
        errors: dict[str, str] = {}
        values: dict[str, Any] = {"archived": archived}
        q = str(params.get("q") or "").strip()
        values["q"] = q[:200]
        status = str(params.get("status") or ("all" if archived else "active"))
        if status not in STATUS_CHOICES:
            errors["status"] = _("Choose one of: active, inactive, all.")
        values["status"] = status
        for name in ("group", "label"):
            raw = params.get(name)
            if raw in (None, ""):
                continue
            try:
                values[name] = int(str(raw))
            except ValueError:
                errors[name] = _("Enter a whole number (an id).")
        for name in ("created_from", "created_to"):
            raw = params.get(name)
            if raw in (None, ""):
                continue
            try:
                values[name] = dt.date.fromisoformat(str(raw))
            except ValueError:
                errors[name] = _("Enter a date as YYYY-MM-DD.")
        sort = str(params.get("sort") or DEFAULT_SORT)
        if sort.lstrip("-") not in SORTS:
            errors["sort"] = _("Sort by one of: %(fields)s.") % {"fields": ", ".join(SORTS)}
        values["sort"] = sort
        if errors:
            raise ValidationError({k: [ValidationError(v)] for k, v in errors.items()})
        return cls(**values)

    @property
    def sort_spec(self) -> SortSpec:
        return SortSpec(fields=SORTS[self.sort.lstrip("-")], descending=self.sort.startswith("-"))

    def apply(self, queryset: QuerySet[Client]) -> QuerySet[Client]:
        queryset = queryset.filter(archived_at__isnull=not self.archived)
        if self.status != STATUS_ANY:
            queryset = queryset.filter(status=self.status)
        if self.group is not None:
            queryset = queryset.filter(
                id__in=Client.groups.through.objects.filter(clientgroup_id=self.group).values("client_id")
            )
        if self.label is not None:
            queryset = queryset.filter(
                id__in=Client.labels.through.objects.filter(label_id=self.label).values("client_id")
            )
        if self.created_from:
            queryset = queryset.filter(created_at__gte=_day_start(self.created_from))
        if self.created_to:
            queryset = queryset.filter(created_at__lt=_day_start(self.created_to + dt.timedelta(days=1)))
        if self.q:
            queryset = search_filter(queryset, self.q)
        return queryset

    def to_params(self) -> dict[str, str]:
        """The non-default parameters, for URLs (bookmarkable, shareable)."""
        default = ClientFilter(archived=self.archived, status="all" if self.archived else "active")
        params = {}
        for f in fields(self):
            if f.name == "archived":
                continue
            value = getattr(self, f.name)
            if value != getattr(default, f.name) and value not in (None, ""):
                params[f.name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return params

    def without(self, name: str) -> ClientFilter:
        default = ClientFilter(archived=self.archived, status="all" if self.archived else "active")
        return replace(self, **{name: getattr(default, name)})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
