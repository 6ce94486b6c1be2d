"""Demo attributes (`manage.py seed_demo`): a market segment (one of a list), the number of
employees, a "newsletter" yes/no and the date of the first contract, filled in for most demo clients.

Set-based: the definitions through the service's own rows, then one bulk INSERT of the values.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal

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
    found = {}
    for position, (name, key, kind) in enumerate(DEFINITIONS):
        attribute, _created = Attribute.objects.get_or_create(
            key=key, defaults={"name": name, "name_key": fold(name), "type": kind, "position": position}
        )
        found[key] = attribute
    segment = found["segment"]
    for position, label in enumerate(SEGMENTS):
        AttributeOption.objects.get_or_create(
            attribute=segment, label_key=fold(label), defaults={"label": label, "position": position}
        )
    return found


@register_demo("attributes", order=150)
def seed(*, rng: random.Random, client_ids: Sequence[int]) -> str:
    attributes = _definitions()
    options = list(AttributeOption.objects.filter(attribute=attributes["segment"]).values_list("id", flat=True))
    rows = []
    for client_id in client_ids:
        if rng.random() < 0.8:
            rows.append(
                AttributeValue(client_id=client_id, attribute=attributes["segment"], option_id=rng.choice(options))
            )
        if rng.random() < 0.6:
            employees = Decimal(rng.choice((1, 2, 3, 5, 8, 12, 20, 35, 50, 120, 250)))
            rows.append(AttributeValue(client_id=client_id, attribute=attributes["employees"], value_number=employees))
        if rng.random() < 0.7:
            rows.append(
                AttributeValue(client_id=client_id, attribute=attributes["newsletter"], value_bool=rng.random() < 0.5)
            )
        if rng.random() < 0.5:
            since = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 3650))
            rows.append(AttributeValue(client_id=client_id, attribute=attributes["contract_since"], value_date=since))
    AttributeValue.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return f"Attributes: {len(attributes)} defined, {len(rows)} values on the demo clients."
