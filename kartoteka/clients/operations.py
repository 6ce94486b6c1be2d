"""Set-based writes over a queryset of clients: one statement per step, never one per client.

Every write to clients raises their `version` in the same statement (or, for memberships, in
one more), so an edit opened before it is refused as stale instead of undoing it.

No permission checks and no audit here: the services around them (clients.services for one
client, the bulk actions for many) do that, inside their own transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext as _

from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.errors import ApplicationError
from kartoteka.core.relations import OnDelete, client_relations

_NEXT = F("version") + 1


def archive_rows(clients: QuerySet[Client], *, actor: Actor | None, now: dt.datetime) -> int:
    return clients.filter(archived_at__isnull=True).update(
        status=Client.Status.INACTIVE, archived_at=now, updated_by=actor, updated_at=now, version=_NEXT
    )


def restore_rows(clients: QuerySet[Client], *, actor: Actor | None, now: dt.datetime) -> int:
    return clients.filter(archived_at__isnull=False).update(
        status=Client.Status.ACTIVE, archived_at=None, updated_by=actor, updated_at=now, version=_NEXT
    )


def status_rows(clients: QuerySet[Client], *, status: str, actor: Actor | None, now: dt.datetime) -> int:
    return (
        clients.filter(archived_at__isnull=True)
        .exclude(status=status)
        .update(status=status, updated_by=actor, updated_at=now, version=_NEXT)
    )


def membership_add_rows(clients: QuerySet[Client], *, field: str, target_id: int) -> int:
    """Link the clients to one group / label (field "groups" or "labels"): one INSERT ... SELECT."""
    m2m: Any = Client._meta.get_field(field)
    through = m2m.remote_field.through
    table = through._meta.db_table
    own = through._meta.get_field(m2m.m2m_field_name()).column
    other = through._meta.get_field(m2m.m2m_reverse_field_name()).column
    links = through._base_manager.filter(**{m2m.m2m_reverse_field_name(): target_id})
    clients.exclude(id__in=links.values(m2m.m2m_field_name())).update(version=_NEXT)
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
    Client._base_manager.filter(id__in=links.values(m2m.m2m_field_name())).update(version=_NEXT)
    return _delete_where(links)


# --- permanent deletion ------------------------------------------------------------------

MAX_DEPTH = 6  # rows of rows of ... a client; deeper means a cycle or a design to look at
_ID_BATCH = 5000  # ids per statement: well under SQLite's limit of bound parameters


def delete_rows(clients: QuerySet[Client]) -> int:
    """Delete the clients and everything that belongs to them; return how many clients went.

    Walks `client_relations()` and obeys each declaration: DELETE rows go (one statement per
    relation, the deepest rows first), REFUSE rows stop the deletion with a message naming them,
    LEAVE rows stay (the audit log outlives the client). Rows that belong to those rows follow
    their foreign key's on_delete (CASCADE goes, SET_NULL is cleared, PROTECT refuses).
    The ids are read first: the deletion of memberships must not change which clients the
    selection (e.g. "in group X") means. Callers pass bounded sets (one client, a bulk chunk).
    """
    ids = list(clients.values_list("id", flat=True))
    for start in range(0, len(ids), _ID_BATCH):
        _delete_clients(Client._base_manager.filter(id__in=ids[start : start + _ID_BATCH]))
    return len(ids)


# A kind of rows below some parent rows: (model, its field pointing at the parent, policy, name).
_Child = tuple[type[models.Model], str, Any, str]


@dataclass
class _Plan:
    deletes: list[QuerySet[Any]] = field(default_factory=list)  # parents before children
    clears: list[tuple[QuerySet[Any], str]] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)


def _delete_clients(clients: QuerySet[Client]) -> None:
    plan = _Plan(deletes=[clients], blockers=_refusals(clients))
    level: list[tuple[list[_Child], QuerySet[Any]]] = [(_client_children(), clients)]
    for _depth in range(MAX_DEPTH):
        next_level = []
        for children, parents in level:
            for model, fk, policy, name in children:
                rows = model._base_manager.filter(**{f"{fk}__in": parents.values("pk")})
                if not _plan_step(plan, policy, rows, fk, name):
                    continue
                next_level.append((_model_children(model), rows))
        if not next_level:
            break
        level = next_level
    else:
        raise RuntimeError(f"Rows belonging to a client nest deeper than {MAX_DEPTH} levels.")
    if plan.blockers:
        raise ApplicationError(
            _("The client cannot be deleted while it has: %(what)s.") % {"what": ", ".join(plan.blockers)}
        )
    _release(clients)
    for rows, fk in plan.clears:
        rows.update(**{fk: None})
    for rows in reversed(plan.deletes):
        _delete_where(rows)


def _release(clients: QuerySet[Client]) -> None:
    """Let the relations that keep files outside the database release them (after the commit)."""
    for relation in client_relations():
        if relation.declaration is not None and relation.declaration.release is not None:
            relation.declaration.release(
                relation.model._base_manager.filter(**{f"{relation.field}__in": clients.values("pk")})
            )


@dataclass(frozen=True)
class Refusal:
    """A declaration's `refuse_delete_if` as a condition on clients (for a bulk deletion to skip them)."""

    code: str  # e.g. "refused_cases_case"
    reason: Any  # e.g. "open cases" (lazy)
    condition: models.Q  # clients having such rows


def refusals() -> list[Refusal]:
    """The clients a permanent deletion would refuse, by declaration (a client with open cases):
    the bulk "Delete permanently" skips and reports them, deleting the other selected clients."""
    found = []
    for relation in client_relations():
        declaration = relation.declaration
        if declaration is None or declaration.refuse_delete_if is None:
            continue
        rows = relation.model._base_manager.filter(declaration.refuse_delete_if, **{relation.field: OuterRef("pk")})
        code = "refused_" + relation.model._meta.label_lower.replace(".", "_")
        found.append(Refusal(code, declaration.refuse_delete_reason or relation.name, models.Q(Exists(rows))))
    return found


def _refusals(clients: QuerySet[Client]) -> list[str]:
    """What the declarations' `refuse_delete_if` finds among the clients' rows (e.g. open cases)."""
    found = []
    for relation in client_relations():
        declaration = relation.declaration
        if declaration is None or declaration.refuse_delete_if is None:
            continue
        rows = relation.model._base_manager.filter(**{f"{relation.field}__in": clients.values("pk")})
        if rows.filter(declaration.refuse_delete_if).exists():
            found.append(str(declaration.refuse_delete_reason or relation.name))
    return found


def _plan_step(plan: _Plan, policy: OnDelete | str, rows: QuerySet[Any], fk: str, name: str) -> bool:
    """Add what `policy` does with `rows` to the plan; True when their own children must be walked."""
    if policy == OnDelete.DELETE:
        plan.deletes.append(rows)
        return True
    if policy == OnDelete.REFUSE:
        if rows.exists():
            plan.blockers.append(name)
    elif policy == _SET_NULL:
        plan.clears.append((rows, fk))
    return False


_SET_NULL = "set_null"  # only below the client's own relations, from a foreign key's on_delete


def _client_children() -> list[_Child]:
    return [(r.model, r.field, r.on_delete, r.name) for r in client_relations()]


def _model_children(model: type[models.Model]) -> list[_Child]:
    """The rows pointing at `model`'s rows (many-to-many links included), with Django's on_delete."""
    children = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        fk: Any = rel.remote_field
        related: Any = rel.related_model
        on_delete = fk.remote_field.on_delete
        if on_delete is models.CASCADE:
            policy: Any = OnDelete.DELETE
        elif on_delete is models.SET_NULL:
            policy = _SET_NULL
        elif on_delete is models.DO_NOTHING and not fk.db_constraint:
            policy = OnDelete.LEAVE
        else:  # PROTECT, RESTRICT, SET_DEFAULT, a constrained DO_NOTHING
            policy = OnDelete.REFUSE
        children.append((related, fk.name, policy, str(related._meta.verbose_name_plural)))
    return children


def _delete_where(rows: QuerySet[Any]) -> int:
    """One DELETE of the rows of a filtered queryset, without loading them (no Collector)."""
    model = rows.model
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    ids_sql, params = rows.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({ids_sql})", params)  # noqa: S608
        return max(int(cursor.rowcount), 0)
