"""Keyset (cursor) pagination: page 5,000 costs what page 1 costs.

A cursor is the sort key of the last row shown, encoded as opaque URL-safe text.
The sort always ends with the primary key, so the order is total and no row is shown twice.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DataError
from django.db.models import F, Model, Q, QuerySet
from django.utils.translation import gettext as _

from kartoteka.core.errors import ValidationError

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class SortSpec:
    """Sorting by `fields` (model field names, all in one direction) then by id.

    `id_key` names what holds the id for ordering and cursors: "id", or an annotation equal to
    it taken from a joined index that the query should walk in order (see FilterSet.page).
    `name` is the sort parameter; cursors carry it, so a cursor of one order is refused by another.
    """

    fields: tuple[str, ...]
    descending: bool
    id_key: str = "id"
    name: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return (*self.fields, self.id_key)

    def order_by(self) -> list[Any]:
        if self.descending:
            return [F(k).desc() for k in self.keys]
        return [F(k).asc() for k in self.keys]


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


class InvalidCursor(ValidationError):
    """A cursor that was edited by hand or belongs to another sort order (a 422 on `cursor`)."""

    def __init__(self) -> None:
        super().__init__({"cursor": [_("This cursor is not valid here; start again without it.")]})


def encode_cursor(values: list[Any], sort: str = "") -> str:
    raw = json.dumps({"sort": sort, "after": values}, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, expected_len: int, sort: str = "") -> list[Any]:
    """The sort key in `cursor`; InvalidCursor unless it was made for the sort order `sort`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor from exc
    if not isinstance(decoded, dict) or decoded.get("sort") != sort:
        raise InvalidCursor
    values = decoded.get("after")
    if not isinstance(values, list) or len(values) != expected_len:
        raise InvalidCursor
    return values


def _after(spec: SortSpec, values: list[Any]) -> Q:
    """Rows strictly after `values` in the sort order (row-value comparison spelt out)."""
    op = "lt" if spec.descending else "gt"
    condition = Q()
    for i, key in enumerate(spec.keys):
        step = Q(**{f"{key}__{op}": values[i]})
        for prev_key, prev_value in zip(spec.keys[:i], values[:i], strict=True):
            step &= Q(**{prev_key: prev_value})
        condition |= step
    # A plain range bound on the leading key lets the database walk its index from the cursor.
    bound = "lte" if spec.descending else "gte"
    return Q(**{f"{spec.keys[0]}__{bound}": values[0]}) & condition


def paginate(queryset: QuerySet[M], spec: SortSpec, *, cursor: str | None, limit: int) -> Page[M]:
    ordered = queryset.order_by(*spec.order_by())
    if cursor:
        try:  # values of the wrong type fail when the filter is built, or in the database
            rows = list(ordered.filter(_after(spec, decode_cursor(cursor, len(spec.keys), spec.name)))[: limit + 1])
        except InvalidCursor:
            raise
        except (ValidationError, ValueError, TypeError, OverflowError, DataError) as exc:
            raise InvalidCursor from exc
    else:
        rows = list(ordered[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = encode_cursor([_cursor_value(getattr(last, k)) for k in spec.keys], spec.name)
    return Page(items=rows, next_cursor=next_cursor)


def _cursor_value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
