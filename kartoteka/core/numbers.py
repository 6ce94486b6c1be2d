"""Whole numbers and ids that come from a request (query string, form field, path).

One parser for all of them: ASCII digits only (`str.isdigit` also takes `²` and `٣`, which
`int()` then refuses or reads), no sign, no spaces, no `_`, and within the database's BIGINT
(a larger id overflows the driver). Callers turn `InvalidNumber` into a message next to the
field, a 404, or their default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1  # the largest id either database stores; larger ones overflow the driver
_DIGITS = re.compile(r"[0-9]{1,30}")  # ASCII only; leading zeros allowed, absurd lengths not


class InvalidNumber(ValueError):
    """The text is not a whole number in the range asked for; `message` says what is wanted."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _whole_number(raw: object) -> int | None:
    text = str(raw) if raw is not None else ""
    return int(text) if _DIGITS.fullmatch(text) else None


def parse_positive_int(raw: object, *, maximum: int = MAX_ID, minimum: int = 1) -> int:
    """`raw` (text or int) as an int from `minimum` to `maximum`, or InvalidNumber."""
    value = _whole_number(raw)
    if value is None or not minimum <= value <= maximum:
        raise InvalidNumber(_("Enter a whole number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum})
    return value


def parse_id(raw: object) -> int:
    """`raw` (text or int) as the id of a row (1 to BIGINT's maximum), or InvalidNumber."""
    value = _whole_number(raw)
    if value is None:
        raise InvalidNumber(_("Enter a whole number (an id)."))
    if not 1 <= value <= MAX_ID:
        raise InvalidNumber(_("Enter an id from 1 to %(max)s.") % {"max": MAX_ID})
    return value


def parse_ids(raws: Iterable[object]) -> list[int]:
    """Every one of `raws` as an id; InvalidNumber at the first that is not one."""
    return [parse_id(raw) for raw in raws]


def is_id(value: object) -> bool:
    """Whether `value` can be the id of a row (a path's `<int:...>` can be past BIGINT)."""
    try:
        parse_id(value)
    except InvalidNumber:
        return False
    return True
