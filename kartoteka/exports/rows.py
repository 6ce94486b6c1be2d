"""Rows of an export: the chosen columns' cells for clients, read set-based in chunks.

`export_cells(clients, columns)` reads one chunk of clients (a queryset the caller has already
bounded, e.g. one chunk of a job's frozen selection) with one query for every plain and
annotated field, plus one query per batch column (groups, labels) for the whole chunk. So a
10,000-client chunk costs a handful of queries whatever its size, and memory holds one chunk.

The chunk comes back column by column (one sequence of cells per column, clients in id order):
a writer that handles a column at once (CSV) spends no Python per cell where it need not;
`export_rows` turns it into rows for the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import repeat
from operator import itemgetter
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


def export_cells(clients: QuerySet[Client], columns: Sequence[Column]) -> tuple[int, list[Sequence[Any]]]:
    """How many clients the chunk has, and one sequence of cells per column (clients in id order)."""
    fields, annotations = needed_fields(columns)
    query = clients.annotate(**annotations) if annotations else clients
    names = [*fields, *annotations]
    records = list(query.order_by("id").values_list(*names))
    if not records:
        return 0, [() for _ in columns]
    # Column by column with C-level itemgetters: zip(*records) would step 10,000 iterators at once.
    values: dict[str, Sequence[Any]] = {name: list(map(itemgetter(i), records)) for i, name in enumerate(names)}
    ids = values["id"]
    for column in columns:
        if column.batch is not None:
            values[column.key] = list(map(column.batch(clients).get, ids, repeat("")))
    by_row: list[dict[str, Any]] | None = None
    cells: list[Sequence[Any]] = []
    for column in columns:
        if column.value is not None:
            if by_row is None:  # the general way: a dict per client, made once for every such column
                keys = list(values)
                by_row = [dict(zip(keys, row, strict=True)) for row in zip(*values.values(), strict=True)]
            column_cells: Sequence[Any] = list(map(column.value, by_row))
        else:
            column_cells = values[column.key if column.batch is not None else column.fields[0]]
        cells.append(column.convert(column_cells) if column.convert is not None else column_cells)
    return len(records), cells


def export_rows(clients: QuerySet[Client], columns: Sequence[Column]) -> Iterator[tuple[Any, ...]]:
    """One tuple of cells per client, in id order, for the columns in their order."""
    count, cells = export_cells(clients, columns)
    if count:
        yield from zip(*cells, strict=True)
