"""Sections other apps add to the top bar's bell (e.g. unread notifications), above the jobs.

The bell belongs to `jobs`, which imports no app that extends it: an app registers a section
(`register_bell_section`) in its AppConfig.ready(). A section's `context(user)` returns what its
template shows and `count`, which adds to the number on the bell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BellSection:
    key: str
    template: str  # included in the bell's dropdown with the section's context
    context: Callable[[Any], dict[str, Any]]  # (user) -> {"count": int, ...}
    order: int = 100


_SECTIONS: dict[str, BellSection] = {}


def register_bell_section(section: BellSection) -> BellSection:
    _SECTIONS[section.key] = section
    return section


def bell_sections(user: Any) -> list[tuple[BellSection, dict[str, Any]]]:
    """Each registered section with its context, in order (one call of `context` per bell)."""
    ordered = sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
    return [(section, section.context(user)) for section in ordered]
