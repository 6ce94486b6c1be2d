"""Every write to notifications. Creating one is a step of another service (same transaction)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kartoteka.accounts.models import User
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor, user_of
from kartoteka.notifications.kinds import is_registered
from kartoteka.notifications.models import LINK_MAX, TEXT_MAX, Notification


@transaction.atomic(savepoint=False)
def notification_create(
    *, recipient: User, kind: str, text: str, link: str = "", actor: Actor | None = None, client: Client | None = None
) -> Notification:
    """A notification for `recipient`, written inside the caller's transaction."""
    if not is_registered(kind):
        raise ValueError(f"Unregistered notification kind {kind!r}")
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        text=text[:TEXT_MAX],
        link=link[:LINK_MAX],
        actor=user_of(actor),
        client=client,
    )


def notifications_mark_read(*, actor: Actor, ids: list[int]) -> int:
    """Mark the actor's own notifications read (others' ids are ignored); how many changed."""
    user = user_of(actor)
    if user is None or not ids:
        return 0
    return Notification.objects.filter(recipient=user, id__in=ids, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_all_read(*, actor: Actor) -> int:
    user = user_of(actor)
    if user is None:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
