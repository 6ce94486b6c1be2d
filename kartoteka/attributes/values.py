"""An attribute's values: parsing input (web form, API JSON, bulk parameters), storing, showing.

In Python a client's value of one attribute is its *stored* form: text `str`, number `Decimal`,
date `date`, yes/no `bool`, one of a list the option's id (`int`), several of a list a tuple of
option ids in the options' order; `None` means not set. Every input path goes through `parse`,
so the form, the API and the bulk action give the same message for the same bad value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from kartoteka.attributes.models import NUMBER_DIGITS, NUMBER_PLACES, TEXT_MAX, Attribute, AttributeOption

FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
NUMBER_LIMIT = Decimal(10) ** (NUMBER_DIGITS - NUMBER_PLACES)
T = Attribute.Type
COLUMN = {
    T.TEXT: "value_text",
    T.NUMBER: "value_number",
    T.DATE: "value_date",
    T.BOOL: "value_bool",
    T.CHOICE: "option_id",
    T.MULTI: "option_id",
}
_TRUE = {"true", "yes", "1", "tak", "on"}
_FALSE = {"false", "no", "0", "nie", "off"}
_NUMBER_TEXT = re.compile(r"^[+-]?[0-9]+([.,][0-9]+)?$")


class BadValue(ValueError):
    """A value the attribute refuses; the message says what to enter."""


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text.strip()).casefold())


class Definition:
    """An attribute with its options, read once per request (form, API call, filter, bulk run)."""

    def __init__(self, attribute: Attribute, options: Sequence[AttributeOption]) -> None:
        self.attribute = attribute
        self.options = list(options)
        self.by_id = {o.pk: o for o in self.options}
        self.by_label = {fold(o.label): o for o in self.options}
        self.order = {o.pk: n for n, o in enumerate(self.options)}

    @property
    def key(self) -> str:
        return self.attribute.key

    @property
    def type(self) -> str:
        return self.attribute.type

    @property
    def column(self) -> str:
        return COLUMN[T(self.type)]

    # --- input ---------------------------------------------------------------------------

    def parse(self, raw: Any) -> Any:
        """The stored form of an input value (None, "" and [] unset it); BadValue when it is wrong."""
        if raw is None or raw == "" or raw == []:
            return None
        return getattr(self, f"_parse_{self.type}")(raw)

    def _parse_text(self, raw: Any) -> str | None:
        if not isinstance(raw, str):
            raise BadValue(_("Enter text."))
        if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in raw):
            raise BadValue(_("Remove the control characters (such as NUL, tabs or line breaks) from this text."))
        text = unicodedata.normalize("NFC", raw.strip())
        if len(text) > TEXT_MAX:
            raise BadValue(_("Use at most %(limit)d characters.") % {"limit": TEXT_MAX})
        return text or None

    def _parse_number(self, raw: Any) -> Decimal:
        return parse_number(raw)

    def _parse_date(self, raw: Any) -> dt.date:
        return parse_day(raw)

    def parse_bool(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().casefold() if isinstance(raw, str) else None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise BadValue(_("Choose yes or no (true or false)."))

    _parse_bool = parse_bool

    def _parse_choice(self, raw: Any) -> int:
        return self.option_of(raw).pk

    def _parse_multi(self, raw: Any) -> tuple[int, ...] | None:
        items = raw if isinstance(raw, list | tuple) else [raw]
        chosen = {self.option_of(item).pk for item in items if item not in (None, "")}
        return tuple(sorted(chosen, key=self.order.__getitem__)) or None

    def option_of(self, raw: Any) -> AttributeOption:
        """An allowed value by its text (case ignored) or, for the web form and URLs, its id."""
        if isinstance(raw, str):
            found = self.by_label.get(fold(raw))
            if found is None and raw.strip().isascii() and raw.strip().isdigit():
                found = self.by_id.get(int(raw.strip()))
            if found is not None:
                return found
        elif isinstance(raw, int) and not isinstance(raw, bool) and raw in self.by_id:
            return self.by_id[raw]
        raise BadValue(_("Choose one of: %(values)s.") % {"values": ", ".join(o.label for o in self.options) or "—"})

    # --- output --------------------------------------------------------------------------

    def from_rows(self, rows: Iterable[Mapping[str, Any]]) -> Any:
        """The stored form from the client's value rows (dicts with the typed columns)."""
        rows = list(rows)
        if not rows:
            return None
        if self.type == T.MULTI:
            ids = [r["option_id"] for r in rows if r["option_id"] in self.by_id]
            return tuple(sorted(ids, key=self.order.__getitem__)) or None
        value = rows[0][self.column]
        if self.type == T.NUMBER and value is not None:
            value = Decimal(value)
        return value

    def to_json(self, stored: Any) -> Any:
        """The API's value: number, ISO date string, bool, string, list of strings (null: not set)."""
        if stored is None:
            return None
        if self.type == T.NUMBER:
            return number_json(stored)
        if self.type == T.DATE:
            return stored.isoformat()
        if self.type == T.CHOICE:
            return self.by_id[stored].label
        if self.type == T.MULTI:
            return [self.by_id[i].label for i in stored]
        return stored

    def display(self, stored: Any) -> str:
        """The value as the client's page, history and exports show it."""
        if stored is None:
            return ""
        if self.type == T.BOOL:
            return _("yes") if stored else _("no")
        if self.type == T.NUMBER:
            return number_text(stored)
        if self.type == T.MULTI:
            return ", ".join(self.by_id[i].label for i in stored)
        return str(self.to_json(stored))

    def form_initial(self, stored: Any) -> Any:
        if stored is None:
            return [] if self.type == T.MULTI else ""
        if self.type == T.BOOL:
            return "yes" if stored else "no"
        if self.type == T.NUMBER:
            return number_text(stored)
        if self.type == T.DATE:
            return stored.isoformat()
        if self.type == T.MULTI:
            return [str(i) for i in stored]
        return str(stored)

    def rows(self, stored: Any) -> list[dict[str, Any]]:
        """The value rows (typed column -> value) that store `stored`."""
        if stored is None:
            return []
        if self.type == T.MULTI:
            return [{"option_id": option_id} for option_id in stored]
        return [{self.column: stored}]


def parse_number(raw: Any) -> Decimal:
    """A number from JSON (int, float) or text ("12", "-3.5", "12,5"); BadValue otherwise."""
    if isinstance(raw, bool):
        raise BadValue(_("Enter a number, e.g. 12 or 12.5."))
    if isinstance(raw, int | float):
        text = repr(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(" ", "").replace("\u00a0", "")
        if not _NUMBER_TEXT.fullmatch(text):
            raise BadValue(_("Enter a number, e.g. 12 or 12.5."))
        text = text.replace(",", ".")
    else:
        raise BadValue(_("Enter a number, e.g. 12 or 12.5."))
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise BadValue(_("Enter a number, e.g. 12 or 12.5.")) from exc
    if not value.is_finite() or abs(value) >= NUMBER_LIMIT:
        raise BadValue(_("Enter a number smaller than %(limit)s.") % {"limit": f"{NUMBER_LIMIT:,.0f}"})
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -NUMBER_PLACES:
        raise BadValue(_("Use at most %(places)d decimal places.") % {"places": NUMBER_PLACES})
    return value.normalize()


def number_json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def number_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def parse_day(raw: Any) -> dt.date:
    if isinstance(raw, str):
        try:
            day = dt.date.fromisoformat(raw.strip())
        except ValueError:
            day = None
        if day is not None and len(raw.strip()) == 10:
            if not FIRST_DAY <= day <= LAST_DAY:
                raise BadValue(_("Enter a date from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY})
            return day
    raise BadValue(_("Enter a date as YYYY-MM-DD."))


def definitions(attributes: Iterable[Attribute] | None = None) -> list[Definition]:
    """Every attribute (or these) with its options: two queries."""
    chosen = list(Attribute.objects.all() if attributes is None else attributes)
    options: dict[int, list[AttributeOption]] = {}
    for option in AttributeOption.objects.filter(attribute__in=[a.pk for a in chosen]):
        options.setdefault(option.attribute_id, []).append(option)
    return [Definition(a, options.get(a.pk, [])) for a in chosen]
