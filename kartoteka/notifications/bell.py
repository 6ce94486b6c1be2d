"""The unread notifications on the top bar's bell (a section of jobs' bell, see jobs.bell)."""

from __future__ import annotations

from typing import Any

from kartoteka.jobs.bell import BellSection, register_bell_section
from kartoteka.notifications import selectors
from kartoteka.notifications.kinds import kind_title

SHOWN = 5


def _context(user: Any) -> dict[str, Any]:
    count = selectors.notifications_unread_count(actor=user)
    unread = selectors.notifications_recent(actor=user, limit=SHOWN, unread_only=True) if count else []
    return {"count": count, "unread": [(note, kind_title(note.kind)) for note in unread]}


register_bell_section(
    BellSection(key="notifications", template="notifications/bell_section.html", context=_context, order=10)
)
