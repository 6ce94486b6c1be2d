"""Validation and normalisation of a mail item's fields: one message per field, as the form and the API show."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.clients.validation import check_text
from kartoteka.core.cleaning import clean_fields
from kartoteka.core.filtering import FIRST_DAY
from kartoteka.mailroom.models import ADDRESS_MAX, NOTE_MAX, SENDER_MAX, MailItem

EDITABLE = ("received_on", "sender", "kind", "note")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def clean_mail_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The given fields (of EDITABLE), normalised; ValidationError with a message per bad field."""
    cleaners = {"received_on": received_day, "sender": _sender, "kind": _kind, "note": _note}
    return clean_fields(data, cleaners)


def clean_forward_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The forwarding address (required) and day (today when not given; empty or null is refused)."""
    given = {"forwarded_to": data.get("forwarded_to"), "forwarded_on": data.get("forwarded_on", timezone.localdate())}
    return clean_fields(given, {"forwarded_to": _address, "forwarded_on": _forward_day})


def _sender(value: Any) -> str:
    sender = " ".join(_checked(str(value or ""), limit=SENDER_MAX).split())
    if not sender:
        raise ValueError(_("Enter the sender."))
    return sender


def _kind(value: Any) -> str:
    kind = str(value or "")
    if kind not in MailItem.Kind.values:
        raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(MailItem.Kind.values)})
    return kind


def _note(value: Any) -> str:
    return _checked(str(value or ""), limit=NOTE_MAX, multi_line=True).strip()


def _address(value: Any) -> str:
    address = "\n".join(line.strip() for line in _checked(str(value or ""), limit=ADDRESS_MAX, multi_line=True)
                        .strip().splitlines())  # fmt: skip
    if not address.strip():
        raise ValueError(_("Enter the address the mail is forwarded to."))
    return address


def _checked(value: str, *, limit: int, multi_line: bool = False) -> str:
    """The clients' text rule (no control characters, at most `limit` characters), as a ValueError."""
    try:
        return check_text(value, limit=limit, multi_line=multi_line)
    except DjangoValidationError as exc:
        raise ValueError(exc.messages[0]) from exc


def received_day(value: Any) -> dt.date:
    """A day (YYYY-MM-DD) from 1900-01-01 to today: mail is not received in the future."""
    return _day(value, missing=_("Enter the day the mail was received."))


def _forward_day(value: Any) -> dt.date:
    return _day(value, missing=_("Enter the day the mail was forwarded."))


def _day(value: Any, *, missing: str) -> dt.date:
    if isinstance(value, dt.datetime):
        day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError(missing)
        if not _DAY.match(text):
            raise ValueError(_("Enter a date as YYYY-MM-DD."))
        try:
            day = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from exc
    today = timezone.localdate()
    if not FIRST_DAY <= day <= today:
        raise ValueError(_("Enter a date from %(first)s to today.") % {"first": FIRST_DAY})
    return day


def days_up_to_pattern(last: dt.date) -> str:
    """A regular expression of the YYYY-MM-DD days from 1900-01-01 to `last` (for the OpenAPI
    document: a date the schema allows is a date the service accepts; `format: date` leaves out
    the 30th of February and such). `last` is in 2000-2999."""
    month_days = r"(0[1-9]|[12]\d|3[01])"
    year = last.year
    hundreds, tens, units = (year // 100) % 10, (year // 10) % 10, year % 10
    earlier = [r"19\d\d"]  # 1900-1999
    if hundreds:
        earlier.append(rf"2[0-{hundreds - 1}]\d\d")
    if tens:
        earlier.append(rf"2{hundreds}[0-{tens - 1}]\d")
    if units:
        earlier.append(rf"2{hundreds}{tens}[0-{units - 1}]")
    parts = [rf"({'|'.join(earlier)})-(0[1-9]|1[0-2])-{month_days}"]
    if last.month > 1:
        months = "|".join(f"{m:02d}" for m in range(1, last.month))
        parts.append(rf"{year}-({months})-{month_days}")
    days = "|".join(f"{d:02d}" for d in range(1, last.day + 1))
    parts.append(rf"{year}-{last.month:02d}-({days})")
    return "^(" + "|".join(parts) + ")$"
