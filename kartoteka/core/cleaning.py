"""Cleaning a record's fields one by one, with a message per bad field (the services' validation)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kartoteka.core.errors import ValidationError


def clean_fields(data: Mapping[str, Any], cleaners: Mapping[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """The given fields that have a cleaner, cleaned; a cleaner refuses a value with ValueError(message).

    Every field is tried, so one ValidationError carries a message for each bad field and the
    form or the API shows them all at once. Fields without a cleaner are left out.
    """
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        if name not in cleaners:
            continue
        try:
            values[name] = cleaners[name](value)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return values
