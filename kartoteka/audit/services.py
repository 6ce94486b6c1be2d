"""Writing the audit log. Services call these inside their own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection

from kartoteka.audit.models import AuditEvent, AuditEventClient
from kartoteka.core.actors import Actor, SystemActor, user_of

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from kartoteka.clients.models import Client


def audit_record(
    *,
    actor: Actor | None,
    event_type: str,
    client: Client | None = None,
    changes: dict[str, list[Any]] | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=user_of(actor),
        event_type=event_type,
        client=client,
        changes=changes or {},
        details=_details(actor, details),
    )


def audit_record_bulk(
    *, actor: Actor | None, event_type: str, clients: QuerySet[Client], details: dict[str, Any] | None = None
) -> AuditEvent:
    """One event for a bulk action; its clients are copied with one INSERT ... SELECT."""
    event = AuditEvent.objects.create(actor=user_of(actor), event_type=event_type, details=_details(actor, details))
    audit_bulk_add(event=event, clients=clients)
    return event


def audit_bulk_add(*, event: AuditEvent, clients: QuerySet[Client]) -> None:
    """Add more clients to a bulk event (a job adds each chunk's clients in the chunk's transaction)."""
    ids_sql, params = clients.values("id").query.sql_with_params()
    table = AuditEventClient._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (event_id, client_id) SELECT %s, sub.id FROM ({ids_sql}) sub",  # noqa: S608
            (event.pk, *params),
        )


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs (empty to empty is no change)."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value and not (_is_blank(before.get(name)) and _is_blank(value))
    }


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _details(actor: Actor | None, details: dict[str, Any] | None) -> dict[str, Any]:
    """The details, naming the system actor (the web form, a scheduled job) that has no user row."""
    if isinstance(actor, SystemActor):
        return {**(details or {}), "system_actor": actor.name}
    return details or {}
