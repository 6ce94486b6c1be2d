"""Set-based writes over a queryset of clients: one statement per step, never one per client.

No permission checks and no audit here: the services around them (clients.services for one
client, the bulk actions for many) do that, inside their own transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, models
from django.db.models import QuerySet

from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor


def archive_rows(clients: QuerySet[Client], *, actor: Actor | None, now: dt.datetime) -> int:
    return clients.filter(archived_at__isnull=True).update(
        status=Client.Status.INACTIVE, archived_at=now, updated_by=actor, updated_at=now
    )


def restore_rows(clients: QuerySet[Client], *, actor: Actor | None, now: dt.datetime) -> int:
    return clients.filter(archived_at__isnull=False).update(
        status=Client.Status.ACTIVE, archived_at=None, updated_by=actor, updated_at=now
    )


def status_rows(clients: QuerySet[Client], *, status: str, actor: Actor | None, now: dt.datetime) -> int:
    return (
        clients.filter(archived_at__isnull=True)
        .exclude(status=status)
        .update(status=status, updated_by=actor, updated_at=now)
    )


def membership_add_rows(clients: QuerySet[Client], *, field: str, target_id: int) -> int:
    """Link the clients to one group / label (field "groups" or "labels"): one INSERT ... SELECT."""
    m2m: Any = Client._meta.get_field(field)
    through = m2m.remote_field.through
    table = through._meta.db_table
    own = through._meta.get_field(m2m.m2m_field_name()).column
    other = through._meta.get_field(m2m.m2m_reverse_field_name()).column
    ids_sql, params = clients.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({own}, {other}) SELECT sub.id, %s FROM ({ids_sql}) sub "  # noqa: S608
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{own} = sub.id AND t.{other} = %s)",
            (target_id, *params, target_id),
        )
        return max(int(cursor.rowcount), 0)


def membership_remove_rows(clients: QuerySet[Client], *, field: str, target_id: int) -> int:
    m2m: Any = Client._meta.get_field(field)
    links = m2m.remote_field.through._base_manager.filter(
        **{f"{m2m.m2m_field_name()}__in": clients.values("id"), m2m.m2m_reverse_field_name(): target_id}
    )
    return int(links._raw_delete(links.db))


def delete_rows(clients: QuerySet[Client]) -> int:
    """Delete the clients and everything that belongs to them; return how many clients went.

    Walks the model's relations, so a model added later is not forgotten: rows that point to a
    client by a real foreign key are deleted (depth first), SET_NULL ones are cleared, and rows
    whose foreign key has no database constraint (the audit log) stay as the record.
    """
    return _purge(Client, clients)


def _purge(model: type[models.Model], rows: QuerySet[Any]) -> int:
    ids = rows.values("pk")
    for rel in model._meta.get_fields(include_hidden=True):
        # Many-to-many links are reached through the hidden foreign keys of their through tables.
        if not (rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        field: Any = rel.remote_field
        if not field.db_constraint:
            continue
        dependents = rel.related_model._base_manager.filter(**{f"{field.name}__in": ids})  # type: ignore[union-attr]
        if field.remote_field.on_delete is models.SET_NULL:
            dependents.update(**{field.name: None})
        else:
            _purge(rel.related_model, dependents)  # type: ignore[arg-type]
    return rows._raw_delete(rows.db)
