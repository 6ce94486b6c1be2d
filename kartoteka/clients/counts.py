# ruff: noqa: S608 -- every statement here is built from this module's constants, never from input
"""Maintained counts: how many clients each list (all, one group, one label) holds per status
and archive state, so the count under a list costs one indexed read instead of a COUNT over up
to a million rows (docs/decisions.md, "Maintained counts").

Database triggers (migration 0006) keep clients_clientcount up to date, so every writer is
counted: the services, bulk operations' raw INSERT ... SELECT / DELETE, seed_demo, a shell.
A count the table cannot answer (a search, a date range, a group and a label together, or an
actor whose scope is not every client) falls back to COUNT.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet, Sum

from kartoteka.clients.filters import STATUS_ANY, STATUS_CHOICES, ClientFilter
from kartoteka.clients.models import Client, ClientCount

# (kind, membership table, its set column)
SETS = (("group", "clients_client_groups", "clientgroup_id"), ("label", "clients_client_labels", "label_id"))
_KEY = "ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n"


def stored_count(scope: QuerySet[Client], filters: ClientFilter) -> int | None:
    """The number of clients in `scope` matching `filters` from the maintained counts, or None."""
    if scope.query.where or filters.q or filters.created_from or filters.created_to:
        return None  # a narrowed scope, a search or dates: only COUNT knows
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
    """Count everything again, set-based (after a raw load with the triggers off; migration 0006)."""
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


def _sqlite_shift(row: str, delta: int) -> list[str]:
    """SQLite statements moving client `row` (NEW or OLD) in or out of its counts.

    Increments insert the count row when missing; decrements only update (a flush deleting the
    counts before the clients must not leave rows of -1)."""
    archived = f"{row}.archived_at IS NOT NULL"
    if delta > 0:
        return [
            f"INSERT INTO clients_clientcount (kind, set_id, status, archived, n) "
            f"VALUES ('all', 0, {row}.status, {archived}, 1) {_KEY};",
            *(
                f"INSERT INTO clients_clientcount (kind, set_id, status, archived, n) "
                f"SELECT '{kind}', m.{column}, {row}.status, {archived}, 1 FROM {table} m "
                f"WHERE m.client_id = {row}.id {_KEY};"
                for kind, table, column in SETS
            ),
        ]
    return [
        f"UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'all' AND set_id = 0 "
        f"AND status = {row}.status AND archived = ({archived});",
        *(
            f"UPDATE clients_clientcount SET n = n - 1 WHERE kind = '{kind}' AND status = {row}.status "
            f"AND archived = ({archived}) AND set_id IN (SELECT {column} FROM {table} WHERE client_id = {row}.id);"
            for kind, table, column in SETS
        ),
    ]


_CHANGED = "OLD.status IS NOT NEW.status OR (OLD.archived_at IS NULL) IS NOT (NEW.archived_at IS NULL)"


def _sqlite_triggers() -> list[tuple[str, str]]:
    triggers = [
        ("clients_count_client_ai", "AFTER INSERT ON clients_client", "", _sqlite_shift("NEW", 1)[:1]),
        ("clients_count_client_ad", "AFTER DELETE ON clients_client", "", _sqlite_shift("OLD", -1)),
        (
            "clients_count_client_au",
            "AFTER UPDATE OF status, archived_at ON clients_client",
            f"WHEN {_CHANGED}",
            _sqlite_shift("OLD", -1) + _sqlite_shift("NEW", 1),
        ),
    ]
    for kind, table, column in SETS:
        client = "(SELECT c.status, c.archived_at IS NOT NULL FROM clients_client c WHERE c.id = {}.client_id)"
        triggers += [
            (
                f"clients_count_{kind}_ai",
                f"AFTER INSERT ON {table}",
                "",
                [
                    f"INSERT INTO clients_clientcount (kind, set_id, status, archived, n) "
                    f"SELECT '{kind}', NEW.{column}, c.status, c.archived_at IS NOT NULL, 1 "
                    f"FROM clients_client c WHERE c.id = NEW.client_id {_KEY};"
                ],
            ),
            (
                f"clients_count_{kind}_ad",
                f"AFTER DELETE ON {table}",
                "",
                [
                    f"UPDATE clients_clientcount SET n = n - 1 WHERE kind = '{kind}' AND set_id = OLD.{column} "
                    f"AND (status, archived) = {client.format('OLD')};"
                ],
            ),
        ]
    return [
        (name, f"CREATE TRIGGER {name} {when} {cond} BEGIN {' '.join(body)} END") for name, when, cond, body in triggers
    ]


SQLITE_TRIGGERS = _sqlite_triggers()

POSTGRES_SQL = [
    f"""CREATE FUNCTION clients_count_shift(client bigint, st varchar, arch boolean, delta integer)
    RETURNS void LANGUAGE sql AS $$
    INSERT INTO clients_clientcount (kind, set_id, status, archived, n) VALUES ('all', 0, st, arch, delta) {_KEY};
    INSERT INTO clients_clientcount (kind, set_id, status, archived, n)
        SELECT 'group', clientgroup_id, st, arch, delta FROM clients_client_groups WHERE client_id = client {_KEY};
    INSERT INTO clients_clientcount (kind, set_id, status, archived, n)
        SELECT 'label', label_id, st, arch, delta FROM clients_client_labels WHERE client_id = client {_KEY};
    $$""",
    """CREATE FUNCTION clients_count_client() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM clients_count_shift(OLD.id, OLD.status, OLD.archived_at IS NOT NULL, -1);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            PERFORM clients_count_shift(NEW.id, NEW.status, NEW.archived_at IS NOT NULL, 1);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER clients_count_client_aid AFTER INSERT OR DELETE ON clients_client
    FOR EACH ROW EXECUTE FUNCTION clients_count_client()""",
    """CREATE TRIGGER clients_count_client_au AFTER UPDATE OF status, archived_at ON clients_client FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL))
    EXECUTE FUNCTION clients_count_client()""",
    *(
        sql
        for kind, table, column in SETS
        for sql in (
            f"""CREATE FUNCTION clients_count_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                member bigint;
                one_set bigint;
                delta integer := 1;
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    member := NEW.client_id; one_set := NEW.{column};
                ELSE
                    member := OLD.client_id; one_set := OLD.{column}; delta := -1;
                END IF;
                INSERT INTO clients_clientcount (kind, set_id, status, archived, n)
                    SELECT '{kind}', one_set, c.status, c.archived_at IS NOT NULL, delta
                    FROM clients_client c WHERE c.id = member {_KEY};
                RETURN NULL;
            END $$""",
            f"""CREATE TRIGGER clients_count_{kind}_aid AFTER INSERT OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION clients_count_{kind}()""",
        )
    ),
]

POSTGRES_DROP_SQL = [
    "DROP TRIGGER IF EXISTS clients_count_client_aid ON clients_client",
    "DROP TRIGGER IF EXISTS clients_count_client_au ON clients_client",
    *(f"DROP TRIGGER IF EXISTS clients_count_{kind}_aid ON {table}" for kind, table, _c in SETS),
    "DROP FUNCTION IF EXISTS clients_count_client()",
    *(f"DROP FUNCTION IF EXISTS clients_count_{kind}()" for kind, _t, _c in SETS),
    "DROP FUNCTION IF EXISTS clients_count_shift(bigint, varchar, boolean, integer)",
]


def install(schema_editor: Any) -> None:
    """Create the triggers for this database, then count what is there (migration 0006)."""
    sqlite = schema_editor.connection.vendor == "sqlite"
    statements = [sql for _name, sql in SQLITE_TRIGGERS] if sqlite else POSTGRES_SQL
    for sql in [*statements, *REBUILD_SQL]:
        schema_editor.execute(sql)


def uninstall(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name, _sql in SQLITE_TRIGGERS]
    else:
        statements = POSTGRES_DROP_SQL
    for sql in statements:
        schema_editor.execute(sql)
