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
from django.db import connection
from django.db.models import CharField, DateTimeField, Exists, ManyToManyField, Model, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.clients.models import Client
from kartoteka.clients.search import Unindexed, search_filter, search_join
from kartoteka.core.pagination import Page, SortSpec, paginate

STATUS_ANY = "all"
STATUS_CHOICES = ("active", "inactive", STATUS_ANY)

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
PARAMETERS = frozenset({"q", "status", "group", "label", "created_from", "created_to", "sort"})
WALK_KEY = "walk_id"  # the client id as read from the index a page walks (see ClientFilter.page)


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
    def from_params(cls, params: Mapping[str, Any], *, archived: bool = False, strict: bool = False) -> ClientFilter:
        """Parse request parameters; raise ValidationError with a message per bad parameter.

        `strict` refuses names that are not filters: a bulk action must never widen a typo
        (`{"grup": 3}`) into "every client".
        """
        errors: dict[str, str] = {}
        if strict:
            for name in sorted(set(params) - PARAMETERS):
                errors[name] = _("Unknown filter. Use: %(names)s.") % {"names": ", ".join(sorted(PARAMETERS))}
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
        """Every client matching the filter: for counts, selections, bulk actions and exports."""
        return self._apply(queryset)

    def page(self, queryset: QuerySet[Client], *, cursor: str | None, limit: int) -> Page[Client]:
        """One keyset page of the clients matching the filter, in the filter's sort order.

        Same rows as apply(), but on SQLite the query is shaped to walk one index in the sort
        order and stop after one page, whatever the number of matches (SQLite's planner has no
        statistics to find this alone; docs/performance.md): sorted by id with a search, group
        or label filter, it walks that full-text or membership index, joined and ordered by its
        copy of the id; sorted by a column, it walks that column's index, with status and archive
        checked per row (`+column` hides their index). Other large sets are probed per row.
        """
        spec = self.sort_spec
        if connection.vendor != "sqlite":
            return paginate(self._apply(queryset), spec, cursor=cursor, limit=limit)
        if not spec.fields:
            for name in ("q", "group", "label"):
                walked = self._walk(queryset, name)
                if walked is not None:
                    queryset = self._apply(walked, walked=name, probe=True)
                    return paginate(queryset, replace(spec, id_key=WALK_KEY), cursor=cursor, limit=limit)
        by_column = spec.fields not in ((), ("status",))
        queryset = self._apply(queryset, unindexed=by_column, probe=by_column)
        return paginate(queryset, spec, cursor=cursor, limit=limit)

    def _walk(self, queryset: QuerySet[Client], name: str) -> QuerySet[Client] | None:
        """`queryset` joined with the index of filter `name`, its client id annotated as WALK_KEY."""
        if name == "q":
            return search_join(queryset, self.q, key=WALK_KEY) if self.q else None
        set_id = self.group if name == "group" else self.label
        if set_id is None:
            return None
        through, client_column, set_column = _membership(name)
        quote = connection.ops.quote_name
        table = quote(through._meta.db_table)
        client_id = f"{table}.{quote(client_column)}"
        # extra(): joins the membership table itself, whose (set, client) index gives client ids in order.
        walked: QuerySet[Client] = queryset.extra(  # noqa: S610
            tables=[table],
            where=[f"{client_id} = {quote(Client._meta.db_table)}.id", f"{table}.{quote(set_column)} = %s"],
            params=[set_id],
        ).annotate(**{WALK_KEY: RawSQL(client_id, ())})  # noqa: S611
        return walked

    def _apply(
        self, queryset: QuerySet[Client], *, walked: str = "", unindexed: bool = False, probe: bool = False
    ) -> QuerySet[Client]:
        """The conditions, but `walked` (joined already); `unindexed` and `probe`: see page()."""
        if unindexed:
            queryset = queryset.alias(
                _archived=Unindexed("archived_at", output_field=DateTimeField()),
                _status=Unindexed("status", output_field=CharField()),
            )
        queryset = queryset.filter(**{"_archived__isnull" if unindexed else "archived_at__isnull": not self.archived})
        if self.status != STATUS_ANY:
            queryset = queryset.filter(**{"_status" if unindexed else "status": self.status})
        for name, set_id in (("group", self.group), ("label", self.label)):
            if set_id is not None and walked != name:
                queryset = queryset.filter(_in_set(name, set_id, probe=probe))
        if self.created_from:
            queryset = queryset.filter(created_at__gte=_day_start(self.created_from))
        if self.created_to:
            queryset = queryset.filter(created_at__lt=_day_start(self.created_to + dt.timedelta(days=1)))
        if self.q and walked != "q":
            queryset = search_filter(queryset, self.q, probe_from=PROBE_FROM if probe else None)
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


def _membership(name: str) -> tuple[type[Model], str, str]:
    """The membership table of "group" or "label": its model, client column and set column."""
    field = Client._meta.get_field("groups" if name == "group" else "labels")
    if not isinstance(field, ManyToManyField) or field.remote_field.through is None:
        raise TypeError(field)
    return field.remote_field.through, field.m2m_column_name(), field.m2m_reverse_name()


PROBE_FROM = 1000  # members: from here on a page checks membership per row instead of listing all


def _in_set(name: str, set_id: int, *, probe: bool) -> Q | Exists:
    """Clients in group/label `set_id`: `id IN (members)`, or with `probe` and a large set, an
    EXISTS per row (a page walking another index meets a member soon; listing all costs more)."""
    through, client_column, set_column = _membership(name)
    members = through._default_manager.filter(**{set_column: set_id})
    if probe and members[PROBE_FROM - 1 : PROBE_FROM].exists():
        return Exists(members.filter(**{client_column: OuterRef("id")}))
    return Q(id__in=members.values(client_column))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
