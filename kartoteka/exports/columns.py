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

Apps that add columns (contact persons count, account manager, custom attributes) register
them from their own `export_columns.py`, which this module discovers, so `exports` never lists
them (DESIGN.md: the import arrows point from the feature app to the shared one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Expression, F, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
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
    default: bool = False  # offered ticked when the user has no saved choice
    order: int = 1000  # position among the offered columns
    permission: str = ""  # the actor needs it to export this column
    phone: bool = False  # text holding a phone number (kept verbatim in spreadsheets; see neutralise)

    def getter(self) -> Callable[[Row], Any]:
        """The function that makes this column's cell from a row."""
        if self.value is not None:
            return self.value
        return itemgetter(self.key if self.batch is not None else self.fields[0])


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


def all_columns() -> list[Column]:
    discover()
    return sorted(_COLUMNS.values(), key=lambda c: (c.order, c.key))


def columns_for(actor: Actor) -> list[Column]:
    """The columns the actor may export, in their offered order."""
    return [c for c in all_columns() if not c.permission or actor.has_perm(c.permission)]


def default_keys(actor: Actor) -> list[str]:
    return [c.key for c in columns_for(actor) if c.default]


def get_columns(keys: Sequence[str]) -> list[Column]:
    discover()
    return [_COLUMNS[k] for k in keys]


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


def stored_time(field: str) -> dict[str, Any]:
    """A date-and-time column's source: the field read as text and parsed by `local`.

    Django's per-value converter (a regular expression per row on SQLite) was a third of the
    time of a 100,000-row CSV; `datetime.fromisoformat` is a C function.
    """
    name = f"{field}_text"
    return {
        "fields": (name,),
        "annotations": {name: lambda: Cast(field, TextField())},
        "value": lambda row: local(row[name]),
    }


def _address(row: Row) -> str:
    town = " ".join(p for p in (row["postal_code"], row["city"]) if p)
    parts = [row["street"], town]
    if row["country"] and row["country"] != "PL":
        parts.append(row["country"])
    return ", ".join(p for p in parts if p)


def _name(row: Row) -> str:
    return f"{row['first_name']} {row['last_name']}".strip()


def _status_label() -> Expression:
    """The status in words, in the language of the export, by the database (translated once per chunk)."""
    whens = [When(status=value, then=Value(str(label))) for value, label in Client.Status.choices]
    return Case(*whens, default=F("status"))


def _names_of(model: Any, field: str) -> Callable[[QuerySet[Client]], Mapping[int, str]]:
    """Per chunk: client id -> the names of its groups (labels), sorted, joined by ", ".

    One query over the through table for the chunk's ids; the names come from one query over the
    (few) groups, so no join repeats a name per membership.
    """
    m2m: Any = Client._meta.get_field(field)
    through = m2m.remote_field.through
    client_column, set_column = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()

    def batch(clients: QuerySet[Client]) -> Mapping[int, str]:
        names = dict(model.objects.values_list("id", "name"))
        found: dict[int, list[str]] = {}
        pairs = through.objects.filter(**{f"{client_column}__in": clients.order_by().values("id")}).values_list(
            f"{client_column}_id", f"{set_column}_id"
        )
        for client_id, set_id in pairs.iterator(chunk_size=10_000):
            found.setdefault(client_id, []).append(names[set_id])
        return {client_id: ", ".join(sorted(values, key=str.casefold)) for client_id, values in found.items()}

    return batch


for _column in (
    Column("id", _("ID"), NUMBER, fields=("id",), default=True, order=10),
    Column(
        "name",
        pgettext_lazy("export column", "Name"),
        fields=("first_name", "last_name"),
        value=_name,
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
        fields=("street", "postal_code", "city", "country"),
        value=_address,
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
