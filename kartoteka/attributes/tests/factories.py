from __future__ import annotations

from typing import Any

from kartoteka.attributes.models import Attribute
from kartoteka.attributes.services import OptionIn, attribute_create
from kartoteka.core.actors import Actor


def make_attribute(actor: Actor, key: str, type: str, *, options: tuple[str, ...] = (), **extra: Any) -> Attribute:
    data = {"name": extra.pop("name", key.replace("_", " ").title()), "key": key, "type": type, **extra}
    data["options"] = [OptionIn(label) for label in options]
    return attribute_create(actor=actor, data=data)
