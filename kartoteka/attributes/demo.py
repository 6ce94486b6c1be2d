"""Demo attributes (`manage.py seed_demo`): a market segment (one of a list), the number of
employees, a "newsletter" yes/no and the date of the first contract, filled in for most demo clients.

Set-based: the definitions through the service's own rows, then one bulk INSERT of the values.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

from kartoteka.attributes.models import Attribute, AttributeOption, AttributeValue
from kartoteka.attributes.values import fold
from kartoteka.core.demo import register_demo

SEGMENTS = ("Handel", "Usługi", "Produkcja", "IT", "Organizacja pozarządowa")
DEFINITIONS = (
    ("Segment rynku", "segment", Attribute.Type.CHOICE),
    ("Liczba pracowników", "employees", Attribute.Type.NUMBER),
    ("Zgoda na newsletter", "newsletter", Attribute.Type.BOOL),
    ("Umowa od", "contract_since", Attribute.Type.DATE),
)


def _definitions() -> dict[str, Attribute]:
    """The demo's attributes and the segment's values: two INSERTs (what exists already stays)."""
    Attribute.objects.bulk_create(
        [
            Attribute(name=name, name_key=fold(name), key=key, type=kind, position=position)
            for position, (name, key, kind) in enumerate(DEFINITIONS)
        ],
        ignore_conflicts=True,
    )
    found = {a.key: a for a in Attribute.objects.filter(key__in=[key for _n, key, _k in DEFINITIONS])}
    AttributeOption.objects.bulk_create(
        [
            AttributeOption(attribute=found["segment"], label=label, label_key=fold(label), position=position)
            for position, label in enumerate(SEGMENTS)
        ],
        ignore_conflicts=True,
    )
    return found


@register_demo("attributes", order=150)
def seed(*, rng: random.Random, client_ids: Sequence[int]) -> str:
    attributes = _definitions()
    options = list(AttributeOption.objects.filter(attribute=attributes["segment"]).values_list("id", flat=True))
    ids = {key: attribute.pk for key, attribute in attributes.items()}
    rows: list[tuple[Any, ...]] = []  # (client, attribute, number, date, yes/no, option)
    for client_id in client_ids:
        if rng.random() < 0.8:
            rows.append((client_id, ids["segment"], None, None, None, rng.choice(options)))
        if rng.random() < 0.6:
            employees = Decimal(rng.choice((1, 2, 3, 5, 8, 12, 20, 35, 50, 120, 250)))
            rows.append((client_id, ids["employees"], employees, None, None, None))
        if rng.random() < 0.7:
            rows.append((client_id, ids["newsletter"], None, None, rng.random() < 0.5, None))
        if rng.random() < 0.5:
            since = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 3650))
            rows.append((client_id, ids["contract_since"], None, since, None, None))
    table = AttributeValue._meta.db_table
    columns = "client_id, attribute_id, value_number, value_date, value_bool, option_id"
    with connection.cursor() as cursor:  # one statement for every row; a second run adds nothing
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",  # noqa: S608
            rows,
        )
    return f"Attributes: {len(attributes)} defined, {len(rows)} values on the demo clients."
