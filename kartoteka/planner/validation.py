"""Validation and normalisation of a task's fields: one message per field, as the form and the API show.

The same cleaners serve the single task (services) and the bulk action's parameters
(bulk_actions), so "Utwórz zadanie" for 10,000 clients accepts exactly what the dialog accepts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from kartoteka.clients.validation import check_text
from kartoteka.core.cleaning import clean_fields
from kartoteka.core.errors import ValidationError
from kartoteka.core.filtering import FIRST_DAY, LAST_DAY
from kartoteka.planner.models import BODY_MAX, SUBJECT_MAX

# The plain fields; `assignees` and `case` are objects the services resolve.
TEXT_FIELDS = ("subject", "body", "due_date", "due_time", "notify_creator")
MAX_ASSIGNEES = 50

# The API states these rules in its schema (schemathesis holds it to them); the services apply
# exactly the same ones ([0-9], not \d: JSON Schema's \d is ASCII, Python's is any digit).
DATE_PATTERN = r"^(19[0-9][0-9]|2[0-9][0-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
TIME_PATTERN = r"^(([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?$"  # empty: all day
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(?::[0-5][0-9])?")


def clean_task_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The given plain fields, normalised; ValidationError with a message per bad field."""
    return clean_fields(data, CLEANERS)


def clean_subject(value: Any) -> str:
    subject = " ".join(_checked(str(value or ""), limit=SUBJECT_MAX).split())
    if not subject:
        raise ValueError(_("Enter the task's subject."))
    return subject


def clean_body(value: Any) -> str:
    return _checked(str(value or ""), limit=BODY_MAX, multi_line=True).strip()


def clean_due_date(value: Any) -> dt.date:
    """A day, YYYY-MM-DD, from 1900 to 2999."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value or "")
        if not text:
            raise ValueError(_("Enter the day the task is due."))
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):  # not 20261123, week dates, spaces
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(_("Enter a date from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY})
    return day


def clean_due_time(value: Any) -> dt.time | None:
    """A time of day (HH:MM, seconds allowed and dropped); empty: the task is due all day."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = _TIME.fullmatch(str(value))
    if not match:
        raise ValueError(_("Enter a time as HH:MM (24-hour clock), or leave it empty for all day."))
    return dt.time(int(match.group(1)), int(match.group(2)))


def clean_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("Choose yes or no."))
    return value


def clean_assignee_ids(values: Iterable[Any] | None) -> list[int]:
    """The ids of the staff members, in the order given, each once; at least one."""
    ids: list[int] = []
    for value in values or ():
        try:
            number = int(str(getattr(value, "pk", value)))
        except ValueError as exc:
            raise ValidationError({"assignees": [_("Choose staff members (their ids).")]}) from exc
        if number not in ids:
            ids.append(number)
    if not ids:
        raise ValidationError({"assignees": [_("Choose at least one staff member.")]})
    if len(ids) > MAX_ASSIGNEES:
        message = _("Choose at most %(count)d staff members.") % {"count": MAX_ASSIGNEES}
        raise ValidationError({"assignees": [message]})
    return ids


CLEANERS = {
    "subject": clean_subject,
    "body": clean_body,
    "due_date": clean_due_date,
    "due_time": clean_due_time,
    "notify_creator": clean_flag,
}


def _checked(value: str, *, limit: int, multi_line: bool = False) -> str:
    """The clients' text rule (no control characters, at most `limit` characters), as a ValueError."""
    try:
        return check_text(value, limit=limit, multi_line=multi_line)
    except DjangoValidationError as exc:
        raise ValueError(exc.messages[0]) from exc
