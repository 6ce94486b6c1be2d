"""Rows of an export: the chosen columns' cells for clients, read set-based in chunks.

`export_rows(clients, columns)` reads one chunk of clients (a queryset the caller has already
bounded, e.g. one chunk of a job's frozen selection) with one query for every plain and
annotated field, plus one query per batch column (groups, labels) for the whole chunk. So a
10,000-client chunk costs a handful of queries whatever its size, and memory holds one chunk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from kartoteka.clients.models import Client
from kartoteka.exports.columns import Column


def needed_fields(columns: Sequence[Column]) -> tuple[list[str], dict[str, Any]]:
    """The model fields and the annotations (name -> expression) the columns read."""
    fields: dict[str, None] = {"id": None}
    annotations: dict[str, Any] = {}
    for column in columns:
        for name, expression in (column.annotations or {}).items():
            annotations[name] = expression()
        for name in column.fields:
            if name not in annotations:
                fields[name] = None
    return list(fields), annotations


def export_rows(clients: QuerySet[Client], columns: Sequence[Column]) -> Iterator[list[Any]]:
    """One list of cells per client, in id order, for the columns in their order."""
    fields, annotations = needed_fields(columns)
    query = clients.annotate(**annotations) if annotations else clients
    records = list(query.order_by("id").values(*fields, *annotations))
    if not records:
        return
    for column in columns:
        if column.batch is not None:
            found = column.batch(clients)
            key = column.key
            for record in records:
                record[key] = found.get(record["id"], "")
    cells = [c.getter() for c in columns]
    for record in records:
        yield [cell(record) for cell in cells]
