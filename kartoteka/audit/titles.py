"""How the History tab names an event that an app outside `clients` records.

An app registers its event types' titles (a title may name values of the event's `details`,
e.g. "Contact person added: %(contact_name)s") and the field labels of the changes it records,
so the History tab reads its events without `audit` or `clients` listing the apps.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

_TITLES: dict[str, Promise | str] = {}
_FIELD_LABELS: dict[str, Promise | str] = {}


def register_event_titles(titles: dict[str, Promise | str]) -> None:
    _TITLES.update(titles)


def register_field_labels(labels: dict[str, Promise | str]) -> None:
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
