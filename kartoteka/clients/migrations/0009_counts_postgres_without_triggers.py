"""PostgreSQL counts the clients of a list with COUNT again: its count triggers go (docs/decisions.md,
"Counts on PostgreSQL").

The triggers of 0006 upserted shared counter rows (one per group/label x status x archive state)
for every client row written, so two bulk jobs or edits touching the same group serialised on
those rows and could deadlock each other. SQLite (one writer at a time) keeps its triggers; on
PostgreSQL the table stays (the model is the same on both) but is emptied and no longer read.
The reverse puts 0006's PostgreSQL triggers back (SQL frozen here, as 0006 ran it) and recounts.
"""

from django.db import migrations

# 0006's PostgreSQL statements, frozen.

POSTGRES_DROP_SQL = [
    'DROP TRIGGER IF EXISTS clients_count_client_aid ON clients_client',
    'DROP TRIGGER IF EXISTS clients_count_client_au ON clients_client',
    'DROP TRIGGER IF EXISTS clients_count_group_aid ON clients_client_groups',
    'DROP TRIGGER IF EXISTS clients_count_label_aid ON clients_client_labels',
    'DROP FUNCTION IF EXISTS clients_count_client()',
    'DROP FUNCTION IF EXISTS clients_count_group()',
    'DROP FUNCTION IF EXISTS clients_count_label()',
    'DROP FUNCTION IF EXISTS clients_count_shift(bigint, varchar, boolean, integer)',
]

POSTGRES_SQL = [
    """CREATE FUNCTION clients_count_shift(client bigint, st varchar, arch boolean, delta integer)
    RETURNS void LANGUAGE sql AS $$
    INSERT INTO clients_clientcount (kind, set_id, status, archived, n) VALUES ('all', 0, st, arch, delta) ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n;
    INSERT INTO clients_clientcount (kind, set_id, status, archived, n)
        SELECT 'group', clientgroup_id, st, arch, delta FROM clients_client_groups WHERE client_id = client ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n;
    INSERT INTO clients_clientcount (kind, set_id, status, archived, n)
        SELECT 'label', label_id, st, arch, delta FROM clients_client_labels WHERE client_id = client ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n;
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
    """CREATE FUNCTION clients_count_group() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                member bigint;
                one_set bigint;
                delta integer := 1;
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    member := NEW.client_id; one_set := NEW.clientgroup_id;
                ELSE
                    member := OLD.client_id; one_set := OLD.clientgroup_id; delta := -1;
                END IF;
                INSERT INTO clients_clientcount (kind, set_id, status, archived, n)
                    SELECT 'group', one_set, c.status, c.archived_at IS NOT NULL, delta
                    FROM clients_client c WHERE c.id = member ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n;
                RETURN NULL;
            END $$""",
    """CREATE TRIGGER clients_count_group_aid AFTER INSERT OR DELETE ON clients_client_groups
            FOR EACH ROW EXECUTE FUNCTION clients_count_group()""",
    """CREATE FUNCTION clients_count_label() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                member bigint;
                one_set bigint;
                delta integer := 1;
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    member := NEW.client_id; one_set := NEW.label_id;
                ELSE
                    member := OLD.client_id; one_set := OLD.label_id; delta := -1;
                END IF;
                INSERT INTO clients_clientcount (kind, set_id, status, archived, n)
                    SELECT 'label', one_set, c.status, c.archived_at IS NOT NULL, delta
                    FROM clients_client c WHERE c.id = member ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n;
                RETURN NULL;
            END $$""",
    """CREATE TRIGGER clients_count_label_aid AFTER INSERT OR DELETE ON clients_client_labels
            FOR EACH ROW EXECUTE FUNCTION clients_count_label()""",
]

REBUILD_SQL = [
    'DELETE FROM clients_clientcount',
    "INSERT INTO clients_clientcount (kind, set_id, status, archived, n) SELECT 'all', 0, status, archived_at IS NOT NULL, COUNT(*) FROM clients_client GROUP BY 3, 4",
    "INSERT INTO clients_clientcount (kind, set_id, status, archived, n) SELECT 'group', m.clientgroup_id, c.status, c.archived_at IS NOT NULL, COUNT(*) FROM clients_client_groups m JOIN clients_client c ON c.id = m.client_id GROUP BY 2, 3, 4",
    "INSERT INTO clients_clientcount (kind, set_id, status, archived, n) SELECT 'label', m.label_id, c.status, c.archived_at IS NOT NULL, COUNT(*) FROM clients_client_labels m JOIN clients_client c ON c.id = m.client_id GROUP BY 2, 3, 4",
]


def drop_postgres_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*POSTGRES_DROP_SQL, "DELETE FROM clients_clientcount"]:
        schema_editor.execute(sql)


def restore_postgres_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*POSTGRES_SQL, *REBUILD_SQL]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("clients", "0008_client_version")]

    operations = [migrations.RunPython(drop_postgres_triggers, restore_postgres_triggers)]
