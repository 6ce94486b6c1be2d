"""How the History tab names an event that an app outside `clients` records.

An app registers its event types' titles (a title may name values of the event's `details`,
e.g. "Contact person added: %(contact_name)s") and the field labels of the changes it records,
so the History tab reads its events without `audit` or `clients` listing the apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

_TITLES: dict[str, Promise | str] = {}
_FIELD_LABELS: dict[str, Promise | str] = {}


@dataclass(frozen=True)
class _EventFields:
    prefix: str
    labels: dict[str, Promise | str]
    value: Callable[[str, Any], str | None] | None


_EVENT_FIELDS: list[_EventFields] = []


def register_event_titles(titles: dict[str, Promise | str]) -> None:
    _TITLES.update(titles)


def register_field_labels(
    labels: dict[str, Promise | str], *, events: str = "", value: Callable[[str, Any], str | None] | None = None
) -> None:
    """Name the fields an app's events record in their `changes`.

    With `events` (an event-type prefix, "cases."), the labels name the fields of those events
    only — a case's `status` is not a client's — and `value(name, recorded)` says how a recorded
    (non-empty) value reads ("open" → "Open", an ISO moment → a local date and time; None: as
    the client's History reads it).
    """
    if events:
        _EVENT_FIELDS.append(_EventFields(prefix=events, labels=dict(labels), value=value))
    else:
        _FIELD_LABELS.update(labels)


def event_title(event_type: str, details: dict[str, Any] | None = None) -> str:
    """The registered title, with the details it names filled in; the type itself when unknown."""
    title = _TITLES.get(event_type)
    if title is None:
        return event_type
    try:
        return str(title) % {k: v for k, v in (details or {}).items() if isinstance(v, str | int)}
    except (KeyError, TypeError, ValueError):
        return str(title).split("%(", 1)[0].rstrip(": ")


def field_label(name: str) -> str | None:
    label = _FIELD_LABELS.get(name)
    return str(label) if label is not None else None


def _event_fields(name: str, event_type: str) -> _EventFields | None:
    return next((e for e in _EVENT_FIELDS if event_type.startswith(e.prefix) and name in e.labels), None)


def event_field_label(name: str, event_type: str) -> str | None:
    """The label registered for this field of events of this type; None when none was."""
    entry = _event_fields(name, event_type)
    return str(entry.labels[name]) if entry else None


def event_field_value(name: str, value: Any, event_type: str) -> str | None:
    """How a recorded value of this field reads in events of this type; None: no rule registered."""
    entry = _event_fields(name, event_type)
    return entry.value(name, value) if entry and entry.value else None
