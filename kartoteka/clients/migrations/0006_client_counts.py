"""Maintained counts (clients_clientcount) kept by database triggers, then filled from what is there.

The SQL is frozen here exactly as it first ran (it was built by kartoteka/clients/counts.py at the
time): a migration never imports app code. 0009 drops the PostgreSQL triggers again; 0010 adds the
SQLite membership UPDATE triggers.
"""

from django.db import migrations, models

# The statements exactly as this migration first ran them (from kartoteka/clients/counts.py,
# frozen here: a migration never imports app code).

SQLITE_TRIGGERS = [
    "CREATE TRIGGER clients_count_client_ai AFTER INSERT ON clients_client  BEGIN INSERT INTO clients_clientcount (kind, set_id, status, archived, n) VALUES ('all', 0, NEW.status, NEW.archived_at IS NOT NULL, 1) ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n; END",
    "CREATE TRIGGER clients_count_client_ad AFTER DELETE ON clients_client  BEGIN UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'all' AND set_id = 0 AND status = OLD.status AND archived = (OLD.archived_at IS NOT NULL); UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'group' AND status = OLD.status AND archived = (OLD.archived_at IS NOT NULL) AND set_id IN (SELECT clientgroup_id FROM clients_client_groups WHERE client_id = OLD.id); UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'label' AND status = OLD.status AND archived = (OLD.archived_at IS NOT NULL) AND set_id IN (SELECT label_id FROM clients_client_labels WHERE client_id = OLD.id); END",
    "CREATE TRIGGER clients_count_client_au AFTER UPDATE OF status, archived_at ON clients_client WHEN OLD.status IS NOT NEW.status OR (OLD.archived_at IS NULL) IS NOT (NEW.archived_at IS NULL) BEGIN UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'all' AND set_id = 0 AND status = OLD.status AND archived = (OLD.archived_at IS NOT NULL); UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'group' AND status = OLD.status AND archived = (OLD.archived_at IS NOT NULL) AND set_id IN (SELECT clientgroup_id FROM clients_client_groups WHERE client_id = OLD.id); UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'label' AND status = OLD.status AND archived = (OLD.archived_at IS NOT NULL) AND set_id IN (SELECT label_id FROM clients_client_labels WHERE client_id = OLD.id); INSERT INTO clients_clientcount (kind, set_id, status, archived, n) VALUES ('all', 0, NEW.status, NEW.archived_at IS NOT NULL, 1) ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n; INSERT INTO clients_clientcount (kind, set_id, status, archived, n) SELECT 'group', m.clientgroup_id, NEW.status, NEW.archived_at IS NOT NULL, 1 FROM clients_client_groups m WHERE m.client_id = NEW.id ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n; INSERT INTO clients_clientcount (kind, set_id, status, archived, n) SELECT 'label', m.label_id, NEW.status, NEW.archived_at IS NOT NULL, 1 FROM clients_client_labels m WHERE m.client_id = NEW.id ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n; END",
    "CREATE TRIGGER clients_count_group_ai AFTER INSERT ON clients_client_groups  BEGIN INSERT INTO clients_clientcount (kind, set_id, status, archived, n) SELECT 'group', NEW.clientgroup_id, c.status, c.archived_at IS NOT NULL, 1 FROM clients_client c WHERE c.id = NEW.client_id ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n; END",
    "CREATE TRIGGER clients_count_group_ad AFTER DELETE ON clients_client_groups  BEGIN UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'group' AND set_id = OLD.clientgroup_id AND (status, archived) = (SELECT c.status, c.archived_at IS NOT NULL FROM clients_client c WHERE c.id = OLD.client_id); END",
    "CREATE TRIGGER clients_count_label_ai AFTER INSERT ON clients_client_labels  BEGIN INSERT INTO clients_clientcount (kind, set_id, status, archived, n) SELECT 'label', NEW.label_id, c.status, c.archived_at IS NOT NULL, 1 FROM clients_client c WHERE c.id = NEW.client_id ON CONFLICT (kind, set_id, status, archived) DO UPDATE SET n = clients_clientcount.n + excluded.n; END",
    "CREATE TRIGGER clients_count_label_ad AFTER DELETE ON clients_client_labels  BEGIN UPDATE clients_clientcount SET n = n - 1 WHERE kind = 'label' AND set_id = OLD.label_id AND (status, archived) = (SELECT c.status, c.archived_at IS NOT NULL FROM clients_client c WHERE c.id = OLD.client_id); END",
]

SQLITE_DROP = [
    'DROP TRIGGER IF EXISTS clients_count_client_ai',
    'DROP TRIGGER IF EXISTS clients_count_client_ad',
    'DROP TRIGGER IF EXISTS clients_count_client_au',
    'DROP TRIGGER IF EXISTS clients_count_group_ai',
    'DROP TRIGGER IF EXISTS clients_count_group_ad',
    'DROP TRIGGER IF EXISTS clients_count_label_ai',
    'DROP TRIGGER IF EXISTS clients_count_label_ad',
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

REBUILD_SQL = [
    'DELETE FROM clients_clientcount',
    "INSERT INTO clients_clientcount (kind, set_id, status, archived, n) SELECT 'all', 0, status, archived_at IS NOT NULL, COUNT(*) FROM clients_client GROUP BY 3, 4",
    "INSERT INTO clients_clientcount (kind, set_id, status, archived, n) SELECT 'group', m.clientgroup_id, c.status, c.archived_at IS NOT NULL, COUNT(*) FROM clients_client_groups m JOIN clients_client c ON c.id = m.client_id GROUP BY 2, 3, 4",
    "INSERT INTO clients_clientcount (kind, set_id, status, archived, n) SELECT 'label', m.label_id, c.status, c.archived_at IS NOT NULL, COUNT(*) FROM clients_client_labels m JOIN clients_client c ON c.id = m.client_id GROUP BY 2, 3, 4",
]



def install(apps, schema_editor):
    """The triggers of this database, then the counts of what is there."""
    sqlite = schema_editor.connection.vendor == "sqlite"
    for sql in [*(SQLITE_TRIGGERS if sqlite else POSTGRES_SQL), *REBUILD_SQL]:
        schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    for sql in SQLITE_DROP if schema_editor.connection.vendor == "sqlite" else POSTGRES_DROP_SQL:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0005_fill_sort_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClientCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=5)),
                ('set_id', models.BigIntegerField()),
                ('status', models.CharField(max_length=10)),
                ('archived', models.BooleanField()),
                ('n', models.BigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kind', 'set_id', 'status', 'archived'), name='clients_count_key')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
