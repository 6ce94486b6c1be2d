"""Validation and normalisation of a case's fields: one message per field, as the form and the API show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.accounts.models import User
from kartoteka.cases.models import DESCRIPTION_MAX, TITLE_MAX
from kartoteka.clients.validation import check_text
from kartoteka.core.cleaning import clean_fields
from kartoteka.core.filtering import FIRST_DAY, LAST_DAY

EDITABLE = ("title", "description", "owner", "opened_at")


def clean_case_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The given fields (of EDITABLE), normalised; ValidationError with a message per bad field."""
    return clean_fields(data, {"title": _title, "description": _description, "owner": _owner, "opened_at": _opened_at})


def _title(value: Any) -> str:
    title = " ".join(_checked(str(value or ""), limit=TITLE_MAX).split())
    if not title:
        raise ValueError(_("Enter the case's title."))
    return title


def _description(value: Any) -> str:
    return _checked(str(value or ""), limit=DESCRIPTION_MAX, multi_line=True).strip()


def _checked(value: str, *, limit: int, multi_line: bool = False) -> str:
    """The clients' text rule (no control characters, at most `limit` characters), as a ValueError."""
    try:
        return check_text(value, limit=limit, multi_line=multi_line)
    except DjangoValidationError as exc:
        raise ValueError(exc.messages[0]) from exc


def _owner(value: Any) -> User | None:
    if value in (None, ""):
        return None
    if isinstance(value, User):
        return value
    try:
        owner_id = int(str(value))
    except ValueError as exc:
        raise ValueError(_("Choose a staff member (an id).")) from exc
    owner = User.objects.filter(pk=owner_id, is_active=True).first() if 1 <= owner_id < 2**63 else None
    if owner is None:
        raise ValueError(_("There is no active staff member with this id."))
    return owner


def _opened_at(value: Any) -> dt.datetime:
    """A day (YYYY-MM-DD: its start) or a moment; never in the future."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time.min)
    else:
        moment = _parse_moment(str(value or "").strip())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise ValueError(_("Enter a date from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY})
    if moment > timezone.now():
        raise ValueError(_("A case cannot be opened in the future."))
    return moment


def _parse_moment(text: str) -> dt.datetime:
    if not text:
        raise ValueError(_("Enter the date the case was opened."))
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.min)
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(_("Enter a date as YYYY-MM-DD.")) from exc


def _at_most(limit: str) -> str:
    """A regex for the digit strings of len(limit) that are <= limit ("0000" to "2026" for "2026")."""
    options = [
        limit[:i] + (f"[0-{int(digit) - 1}]" if digit != "1" else "0") + r"\d" * (len(limit) - i - 1)
        for i, digit in enumerate(limit)
        if digit != "0"
    ]
    return "|".join([*options, limit])


def _one_to(last: int) -> str:
    """01|02|...|last: a month or a day number (a short list, no lookahead needed)."""
    return "|".join(f"{n:02d}" for n in range(1, last + 1))


def filter_day_pattern() -> str:
    """The days the list's filters take: YYYY-MM-DD from 1900 to 2999 (`format: date` does the rest)."""
    return rf"^(?:19|2\d)\d\d-(?:{_one_to(12)})-(?:{_one_to(31)})$"


def opened_day_pattern(today: dt.date | None = None) -> str:
    """The days a case may be opened on, as the API documents them: YYYY-MM-DD from FIRST_DAY
    (1900-01-01) to today. A pattern (JSON Schema has no maximum for dates), so that a day the
    document admits is one the service accepts; `format: date` rules out 2026-02-30."""
    today = today or timezone.localdate()
    any_day = rf"(?:{_one_to(12)})-(?:{_one_to(31)})"
    parts = [rf"(?:19\d\d|2(?:{_at_most(f'{today.year - 2000 - 1:03d}')}))-{any_day}"]
    if today.month > 1:
        parts.append(rf"{today.year:04d}-(?:{_one_to(today.month - 1)})-(?:{_one_to(31)})")
    parts.append(rf"{today.year:04d}-{today.month:02d}-(?:{_one_to(today.day)})")
    return "^(?:" + "|".join(parts) + ")$"
