"""The kinds of notification and their titles, registered by the apps that create them."""

from __future__ import annotations

from django.utils.functional import Promise

_KINDS: dict[str, Promise | str] = {}


def register_notification_kind(kind: str, title: Promise | str) -> None:
    _KINDS[kind] = title


def kind_title(kind: str) -> str:
    return str(_KINDS.get(kind, kind))


def is_registered(kind: str) -> bool:
    return kind in _KINDS
