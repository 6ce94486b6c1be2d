"""SQLite counts follow an UPDATE of a membership row too (client <-> group, client <-> label).

0006 counted only INSERT and DELETE of membership rows; merging clients (issue 12) moves rows by
updating their client_id, which left the counts of both clients' lists wrong. Each trigger takes
the old row out of its list's count and puts the new row into its own. SQLite only: PostgreSQL
keeps no counts (0009).
"""

from django.db import migrations

SQLITE_TRIGGERS = [
    "CREATE TRIGGER clients_count_group_au AFTER UPDATE OF client_id, clientgroup_id ON clients_client_groups "
    "WHEN OLD.client_id IS NOT NEW.client_id OR OLD.clientgroup_id IS NOT NEW.clientgroup_id BEGIN "
    "UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'group' AND set_id = OLD.clientgroup_id "
    "AND (status, archived) = (SELECT c.status, c.archived_at IS NOT NULL FROM clients_client c WHERE c.id = OLD.client_id); "
    "INSERT INTO clients_clientcount (kind, set_id, status, archived, n) "
    "SELECT 'group', NEW.clientgroup_id, c.status, c.archived_at IS NOT NULL, 1 FROM clients_client c "
    "WHERE c.id = NEW.client_id ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n; "
    "END",
    "CREATE TRIGGER clients_count_label_au AFTER UPDATE OF client_id, label_id ON clients_client_labels "
    "WHEN OLD.client_id IS NOT NEW.client_id OR OLD.label_id IS NOT NEW.label_id BEGIN "
    "UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'label' AND set_id = OLD.label_id "
    "AND (status, archived) = (SELECT c.status, c.archived_at IS NOT NULL FROM clients_client c WHERE c.id = OLD.client_id); "
    "INSERT INTO clients_clientcount (kind, set_id, status, archived, n) "
    "SELECT 'label', NEW.label_id, c.status, c.archived_at IS NOT NULL, 1 FROM clients_client c "
    "WHERE c.id = NEW.client_id ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n; "
    "END",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS clients_count_group_au",
    "DROP TRIGGER IF EXISTS clients_count_label_au",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("clients", "0009_counts_postgres_without_triggers")]

    operations = [migrations.RunPython(install, uninstall)]
