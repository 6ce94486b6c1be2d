"""Reads of notifications: always the actor's own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kartoteka.core.actors import Actor, user_of
from kartoteka.core.errors import NotFound
from kartoteka.notifications.models import Notification


def notification_scope(*, actor: Actor) -> QuerySet[Notification]:
    user = user_of(actor)
    if user is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def notifications_unread_count(*, actor: Actor) -> int:
    return notification_scope(actor=actor).filter(read_at__isnull=True).count()


def notifications_recent(*, actor: Actor, limit: int, unread_only: bool = False) -> list[Notification]:
    rows = notification_scope(actor=actor).select_related("actor").order_by("-id")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return list(rows[:limit])


def notification_page(*, actor: Actor, before: int | None, limit: int) -> tuple[list[Notification], int | None]:
    """Newest first, `limit` at a time; the id to pass as `before` for the next page (None: last page)."""
    rows = notification_scope(actor=actor).select_related("actor").order_by("-id")
    if before is not None:
        rows = rows.filter(id__lt=before)
    items = list(rows[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return items, (items[-1].pk if more and items else None)


def notification_get(*, actor: Actor, notification_id: int) -> Notification:
    found = notification_scope(actor=actor).filter(pk=notification_id).first()
    if found is None:
        raise NotFound(_("Notification not found."))
    return found
