"""The one registry of export columns.

A column says what it is called (`key`, the stable name the API and the saved choice use, and a
translated `label` for the header), what type its cells are (text, number or date: spreadsheets
get real numbers and dates, text cells are text) and where its value comes from, in one of two
set-based ways, never a query per client:

- `fields` / `annotations`: model fields, or ORM expressions annotated on the chunk's queryset
  (a subquery count, a concatenation), read with the row; `value(row)` makes the cell from them.
- `batch(clients)`: one query per chunk for many-valued data (groups, labels), given the chunk's
  queryset (used as a subquery, so no list of ids travels to the database), returning
  `{client id: cell}`; `value` then gets that as `row["<key>"]`.

A chunk is read column by column: a column without `value` takes its first field's (or the
batch's) values as they are, optionally through `convert(values)`, which turns the whole
chunk's values into cells at once; `value(row)` is the general way, called per client with a
dict of the row. The client's own columns keep Python out of the way of a million rows: their
text is put together by the database (name, address, status) and dates are converted per
chunk (docs/decisions.md, "Exports: the database puts the cells together").

Apps that add columns (contact persons count, account manager, custom attributes) register
them from their own `export_columns.py`, which this module discovers, so `exports` never lists
them (DESIGN.md: the import arrows point from the feature app to the shared one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Aggregate, Case, Expression, F, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Concat, Trim
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kartoteka.clients.models import Client, ClientGroup, Label

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from kartoteka.core.actors import Actor
else:
    StrPromise = Promise

TEXT = "text"
NUMBER = "number"
DATE = "date"  # a date, or a date and time (shown in the local time zone, without seconds)
TYPES = (TEXT, NUMBER, DATE)

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    label: StrPromise | str
    type: str = TEXT
    fields: tuple[str, ...] = ()  # model fields (or annotation names) the value needs
    annotations: Mapping[str, Callable[[], Expression]] | None = None  # name -> ORM expression
    batch: Callable[[QuerySet[Client]], Mapping[int, Any]] | None = None  # one query per chunk
    value: Callable[[Row], Any] | None = None  # the cell from the row; default: the first field
    convert: Callable[[Sequence[Any]], Sequence[Any]] | None = None  # a chunk's values -> its cells
    default: bool = False  # offered ticked when the user has no saved choice
    order: int = 1000  # position among the offered columns
    permission: str = ""  # the actor needs it to export this column
    phone: bool = False  # text holding a phone number (kept verbatim in spreadsheets; see neutralise)


_COLUMNS: dict[str, Column] = {}


def register_column(column: Column) -> Column:
    if column.key in _COLUMNS:
        raise ValueError(f"Export column {column.key!r} is registered twice.")
    if column.type not in TYPES:
        raise ValueError(f"Export column {column.key!r} has an unknown type {column.type!r}.")
    _COLUMNS[column.key] = column
    return column


_discovered = False


def discover() -> None:
    """Import every installed app's `export_columns` module once."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("export_columns")


_SOURCES: list[Callable[[], Iterable[Column]]] = []


def register_column_source(source: Callable[[], Iterable[Column]]) -> None:
    """Columns that the data defines (one per custom attribute): `source()` is asked each time the
    columns are listed or looked up, so a column added at run time is offered at once."""
    _SOURCES.append(source)


def _known() -> dict[str, Column]:
    discover()
    return {**_COLUMNS, **{c.key: c for source in _SOURCES for c in source()}}


def all_columns() -> list[Column]:
    return sorted(_known().values(), key=lambda c: (c.order, c.key))


def columns_for(actor: Actor) -> list[Column]:
    """The columns the actor may export, in their offered order."""
    return [c for c in all_columns() if not c.permission or actor.has_perm(c.permission)]


def default_keys(actor: Actor) -> list[str]:
    return [c.key for c in columns_for(actor) if c.default]


def get_columns(keys: Sequence[str]) -> list[Column]:
    known = _known()
    return [known[k] for k in keys]


# --- the client's own columns ----------------------------------------------------------------


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(value: dt.datetime | str | None) -> dt.datetime | None:
    """A stored (UTC) time as the office sees it (TIME_ZONE), naive: spreadsheets have no time zones.

    Takes the datetime, or its text as the database writes it (see `stored_time`).
    """
    if value is None:
        return None
    if isinstance(value, str):
        if value[-3:-2] in ("+", "-"):  # PostgreSQL's "+00": fromisoformat wants "+00:00"
            value += ":00"
        value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:  # SQLite keeps UTC without an offset
            value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(_zone(settings.TIME_ZONE)).replace(tzinfo=None, second=0, microsecond=0)


def local_all(values: Sequence[Any]) -> list[dt.datetime | None]:
    """`local` for a chunk's stored times, fast: the office's offset is worked out once per UTC
    hour (time zones change their offset on the hour) and added to the minute.

    Takes the text as SQLite ("2026-03-14 14:09:30.123456", UTC) or PostgreSQL ("...+00")
    writes it; any other form goes through `local`.
    """
    offsets: dict[str, dt.timedelta] = {}
    parse = dt.datetime.fromisoformat
    cells: list[dt.datetime | None] = []
    append = cells.append
    for value in values:
        if not value:
            append(None)
            continue
        if not isinstance(value, str):
            append(local(value))
            continue
        offset_part = value[19:].removesuffix("+00")  # what follows the seconds, but for UTC's "+00"
        if len(value) < 16 or value[10] != " " or "+" in offset_part or "-" in offset_part:
            append(local(value))  # not UTC text as the database writes it: parse it fully
            continue
        hour = value[:13]
        offset = offsets.get(hour)
        if offset is None:
            utc = parse(hour + ":00").replace(tzinfo=dt.UTC)
            offset = offsets[hour] = utc.astimezone(_zone(settings.TIME_ZONE)).utcoffset() or dt.timedelta()
        append(parse(value[:16]) + offset)
    return cells


def stored_time(field: str) -> dict[str, Any]:
    """A date-and-time column's source: the field read as text and converted per chunk (`local_all`).

    Django's per-value converter (a regular expression per row on SQLite) was a third of the
    time of a 100,000-row CSV; `datetime.fromisoformat` is a C function.
    """
    name = f"{field}_text"
    return {
        "fields": (name,),
        "annotations": {name: lambda: Cast(field, TextField())},
        "convert": local_all,
    }


def _name() -> Expression:
    """First and last name, as the database joins them (the column's text for a million rows)."""
    return Trim(Concat(F("first_name"), Value(" "), F("last_name"), output_field=TextField()))


def _address() -> Expression:
    """Street, "postal code city" and a country other than Poland, the present ones joined by ", "."""
    town = Trim(Concat(F("postal_code"), Value(" "), F("city"), output_field=TextField()))
    has_street, has_town = ~Q(street=""), ~Q(postal_code="") | ~Q(city="")
    abroad = ~Q(country__in=["", "PL"])
    return Concat(
        F("street"),
        Case(When(has_street & (has_town | abroad), then=Value(", ")), default=Value("")),
        town,
        Case(When(has_town & abroad, then=Value(", ")), default=Value("")),
        Case(When(abroad, then=F("country")), default=Value("")),
        output_field=TextField(),
    )


def _status_label() -> Expression:
    """The status in words, in the language of the export, by the database (translated once per chunk)."""
    whens = [When(status=value, then=Value(str(label))) for value, label in Client.Status.choices]
    return Case(*whens, default=F("status"))


class IdList(Aggregate):
    """The ids of a group of rows, joined by commas: GROUP_CONCAT (SQLite), STRING_AGG (PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(distinct)s%(expressions)s::text, ',')",
            **extra_context,
        )


class _JoinedNames(dict[str | None, str]):
    """ids text ("3,7") -> the names of those groups, sorted and joined by ", "; each once per chunk."""

    def __init__(self, names: Mapping[int, str]) -> None:
        super().__init__()
        self.names = names

    def __missing__(self, key: str | None) -> str:
        found = [self.names[int(i)] for i in key.split(",") if int(i) in self.names] if key else []
        value = self[key] = ", ".join(sorted(found, key=str.casefold))
        return value


def _names_of(model: Any, field: str) -> Callable[[QuerySet[Client]], Mapping[int, str]]:
    """Per chunk: client id -> the names of its groups (labels), sorted, joined by ", ".

    One query over the through table groups the chunk's memberships by client in the database
    (IdList); the names come from one query over the (few) groups, and each combination of
    groups is joined once per chunk, so Python does no work per membership.
    """
    m2m: Any = Client._meta.get_field(field)
    through = m2m.remote_field.through
    client_column, set_column = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"

    def batch(clients: QuerySet[Client]) -> Mapping[int, str]:
        joined = _JoinedNames(dict(model.objects.values_list("id", "name")))
        keys = dict(
            through.objects.filter(**{f"{client_column}__in": clients.order_by().values("id")})
            .order_by()
            .values(client_column)
            .annotate(ids=IdList(set_column))
            .values_list(client_column, "ids")
        )
        return dict(zip(keys, map(joined.__getitem__, keys.values()), strict=True))

    return batch


for _column in (
    Column("id", _("ID"), NUMBER, fields=("id",), default=True, order=10),
    Column(
        "name",
        pgettext_lazy("export column", "Name"),
        fields=("export_name",),
        annotations={"export_name": _name},
        default=True,
        order=20,
    ),
    Column("first_name", _("First name"), fields=("first_name",), order=21),
    Column("last_name", _("Last name"), fields=("last_name",), order=22),
    Column("company", _("Company"), fields=("company_name",), default=True, order=30),
    Column("email", _("E-mail"), fields=("email",), default=True, order=40),
    Column("phone", _("Phone"), fields=("phone",), default=True, order=50, phone=True),
    Column("nip", _("NIP"), fields=("nip",), default=True, order=60),
    Column(
        "address",
        _("Address"),
        fields=("export_address",),
        annotations={"export_address": _address},
        default=True,
        order=70,
    ),
    Column("street", _("Street"), fields=("street",), order=71),
    Column("postal_code", _("Postal code"), fields=("postal_code",), order=72),
    Column("city", _("City"), fields=("city",), order=73),
    Column("country", _("Country"), fields=("country",), order=74),
    Column("website", _("Website"), fields=("website",), order=80),
    Column(
        "status",
        _("Status"),
        fields=("status_label",),
        annotations={"status_label": _status_label},
        default=True,
        order=90,
    ),
    Column("groups", _("Groups"), batch=_names_of(ClientGroup, "groups"), default=True, order=100),
    Column("labels", _("Labels"), batch=_names_of(Label, "labels"), default=True, order=110),
    Column(
        "created",
        _("Created"),
        DATE,
        default=True,
        order=120,
        **stored_time("created_at"),
    ),
    Column("updated", _("Updated"), DATE, order=130, **stored_time("updated_at")),
):
    register_column(_column)
