"""One export column per custom attribute (`attr.<key>`), offered as soon as the attribute exists.

Each is a batch column: one query per chunk over the value table, with the chunk's queryset as
a subquery (no list of ids travels), giving `{client id: cell}`. Numbers and dates are real
numbers and dates in spreadsheets; list values are their texts, several joined by ", ".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db.models import QuerySet

from kartoteka.attributes.models import Attribute, AttributeValue
from kartoteka.attributes.values import Definition, definitions, number_json
from kartoteka.clients.models import Client
from kartoteka.exports.columns import DATE, NUMBER, TEXT, Column, register_column_source

_TYPES = {Attribute.Type.NUMBER: NUMBER, Attribute.Type.DATE: DATE}
ORDER = 200  # after the client's own columns


def _cells(definition: Definition) -> Callable[[QuerySet[Client]], Mapping[int, Any]]:
    pk = definition.attribute.pk

    def batch(clients: QuerySet[Client]) -> Mapping[int, Any]:
        rows = AttributeValue.objects.filter(attribute_id=pk, client_id__in=clients.order_by().values("id")).values(
            "client_id", "value_text", "value_number", "value_date", "value_bool", "option_id"
        )
        grouped: dict[int, list[dict[str, Any]]] = {}
        for row in rows.iterator(chunk_size=10_000):
            grouped.setdefault(row["client_id"], []).append(dict(row))
        return {client_id: _cell(definition, own) for client_id, own in grouped.items()}

    return batch


def _cell(definition: Definition, rows: list[dict[str, Any]]) -> Any:
    stored = definition.from_rows(rows)
    if stored is None:
        return None
    if definition.type == Attribute.Type.NUMBER:
        return number_json(stored)
    if definition.type == Attribute.Type.DATE:
        return stored
    return definition.display(stored)


def attribute_columns() -> Iterable[Column]:
    return [
        Column(
            f"attr.{d.key}",
            d.attribute.name,
            _TYPES.get(Attribute.Type(d.type), TEXT),
            batch=_cells(d),
            order=ORDER + n,
            permission="attributes.view_attribute",
        )
        for n, d in enumerate(definitions())
    ]


register_column_source(attribute_columns)
