"""Exporting clients: the user's remembered choice and the sink the bulk framework writes into.

The export is the bulk action "export" (exports/bulk_actions.py): the framework freezes the
selection into a job, opens the job's file and calls `export_open` once, then hands every chunk
of clients to `ExportSink.add`, which reads the chunk's rows set-based (exports.rows) and
streams them through the format's writer (exports.writers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.bulk.registry import BulkContext
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor, user_of
from kartoteka.core.errors import ValidationError
from kartoteka.exports.columns import columns_for, default_keys, get_columns
from kartoteka.exports.models import ExportPreference
from kartoteka.exports.rows import export_cells
from kartoteka.exports.writers import FORMATS, Writer

DEFAULT_FORMAT = "xlsx"


def export_preference_get(*, actor: Actor) -> tuple[str, list[str]]:
    """The actor's last format and columns (only columns they may still export), else the defaults."""
    user = user_of(actor)
    saved = ExportPreference.objects.filter(user=user).first() if user is not None else None
    allowed = {c.key for c in columns_for(actor)}
    columns = [k for k in (saved.columns if saved else []) if k in allowed]
    fmt = saved.format if saved and saved.format in FORMATS else DEFAULT_FORMAT
    return fmt, columns or default_keys(actor)


def export_preference_save(*, actor: Actor, format: str, columns: Sequence[str]) -> None:
    """Remember the actor's format and columns (in their order) for the next export."""
    user = user_of(actor)
    if user is None:
        return
    if format not in FORMATS:
        raise ValidationError({"format": [_("Unknown format.")]})
    allowed = {c.key for c in columns_for(actor)}
    unknown = [k for k in columns if k not in allowed]
    if unknown:
        raise ValidationError({"columns": [_("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)}]})
    ExportPreference.objects.update_or_create(user=user, defaults={"format": format, "columns": list(columns)})


def export_columns(*, actor: Actor, params: Mapping[str, Any]) -> list[str]:
    """The columns of an export: those sent, in their order, or the actor's remembered ones."""
    chosen = list(params.get("columns") or [])
    return chosen or export_preference_get(actor=actor)[1]


def export_file_name(params: Mapping[str, Any], now: dt.datetime) -> str:
    writer = FORMATS[params["format"]]
    stamp = timezone.localtime(now).strftime("%Y-%m-%d-%H%M")
    return f"{_('clients')}-{stamp}.{writer.extension}"


def export_content_type(params: Mapping[str, Any]) -> str:
    return FORMATS[params["format"]].content_type


class ExportSink:
    """One export's writer, fed chunk by chunk."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    def add(self, clients: QuerySet[Client]) -> int:
        count, cells = export_cells(clients, self.writer.columns)
        return self.writer.write_cells(count, cells) if count else 0

    def close(self) -> None:
        self.writer.close()


def export_open(handle: IO[bytes], ctx: BulkContext) -> ExportSink:
    """Open the format's writer on the job's file with the chosen columns, and remember the choice."""
    fmt = ctx.params["format"]
    keys = export_columns(actor=ctx.actor, params=ctx.params)
    export_preference_save(actor=ctx.actor, format=fmt, columns=keys)
    writer_class = FORMATS[fmt]
    columns = writer_class.columns_for(get_columns(keys))
    return ExportSink(writer_class(handle, columns, title=_("Clients")))


def export_write(
    *, actor: Actor, clients: QuerySet[Client], format: str, columns: Sequence[str], handle: IO[bytes]
) -> int:
    """Write an export of `clients` straight to `handle` (benchmarks, and callers without a job).

    Reads the clients in id-range chunks like a job does; returns how many rows it wrote.
    """
    from django.conf import settings

    writer_class = FORMATS[format]
    writer = writer_class(handle, writer_class.columns_for(get_columns(columns)), title=_("Clients"))
    sink = ExportSink(writer)
    written = 0
    after = 0
    chunk = settings.KARTOTEKA_BULK_CHUNK
    ordered = clients.order_by("id")
    while True:
        bound = list(ordered.filter(id__gt=after).values_list("id", flat=True)[chunk - 1 : chunk])
        part = ordered.filter(id__gt=after, **({"id__lte": bound[0]} if bound else {}))
        written += sink.add(part)
        if not bound:
            break
        after = bound[0]
    sink.close()
    return written
