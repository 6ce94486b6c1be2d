# ruff: noqa: S608 -- every statement here is built from this module's constants, never from input
"""Maintained counts on SQLite: how many clients each list (all, one group, one label) holds per
status and archive state, so the count under a list costs one indexed read instead of a COUNT over
up to a million rows (docs/decisions.md, "Maintained counts").

SQLite triggers (migrations 0006 and 0010) keep clients_clientcount up to date, so every writer
is counted: the services, bulk operations' raw INSERT ... SELECT / DELETE / UPDATE, seed_demo, a
shell. A count the table cannot answer (a search, a date range, a group and a label together, or
an actor whose scope is not every client) falls back to COUNT.

PostgreSQL always answers with COUNT (migration 0009 dropped its triggers: shared counter rows
serialised and deadlocked concurrent writers; docs/decisions.md, "Counts on PostgreSQL").
"""

from __future__ import annotations

from django.db import connection, connections
from django.db.models import QuerySet, Sum

from kartoteka.clients.filters import STATUS_ANY, STATUS_CHOICES, ClientFilter
from kartoteka.clients.models import Client, ClientCount

# The filter parameters the counts answer; any other one set (a search, dates, has_portal, whatever
# a later app declares in ClientFilter) leaves the count to COUNT instead of being ignored.
ANSWERED = frozenset({"status", "group", "label", "sort"})

# (kind, membership table, its set column)
SETS = (("group", "clients_client_groups", "clientgroup_id"), ("label", "clients_client_labels", "label_id"))


def stored_count(scope: QuerySet[Client], filters: ClientFilter) -> int | None:
    """The number of clients in `scope` matching `filters` from the maintained counts, or None."""
    if connections[scope.db].vendor != "sqlite":
        return None  # PostgreSQL keeps no counts (migration 0009): COUNT it is
    if scope.query.where or set(filters.to_params()) - ANSWERED:
        return None  # a narrowed scope, a search, dates or any other filter: only COUNT knows
    if filters.attributes:
        return None  # custom attributes: COUNT over their value index
    if filters.group is not None and filters.label is not None:
        return None
    kind, set_id = ("all", 0)
    if filters.group is not None:
        kind, set_id = "group", filters.group
    elif filters.label is not None:
        kind, set_id = "label", filters.label
    statuses = [s for s in STATUS_CHOICES if s != STATUS_ANY] if filters.status == STATUS_ANY else [filters.status]
    rows = ClientCount.objects.filter(kind=kind, set_id=set_id, status__in=statuses, archived=filters.archived)
    return int(rows.aggregate(total=Sum("n"))["total"] or 0)


def rebuild_counts() -> None:
    """Count everything again, set-based (SQLite, after a raw load with the count triggers off)."""
    with connection.cursor() as cursor:
        for sql in REBUILD_SQL:
            cursor.execute(sql)


REBUILD_SQL = [
    "DELETE FROM clients_clientcount",
    "INSERT INTO clients_clientcount (kind, set_id, status, archived, n) "
    "SELECT 'all', 0, status, archived_at IS NOT NULL, COUNT(*) FROM clients_client GROUP BY 3, 4",
    *(
        f"INSERT INTO clients_clientcount (kind, set_id, status, archived, n) "
        f"SELECT '{kind}', m.{column}, c.status, c.archived_at IS NOT NULL, COUNT(*) "
        f"FROM {table} m JOIN clients_client c ON c.id = m.client_id GROUP BY 2, 3, 4"
        for kind, table, column in SETS
    ),
]
