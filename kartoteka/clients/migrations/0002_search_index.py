"""Full-text search over Client.search_text: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL.

The SQL lives in clients.search (frozen here by value: a migration must not change later).
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE clients_client_fts USING fts5(search_text, content='clients_client', "
    "content_rowid='id', tokenize='trigram')",
    """CREATE TRIGGER clients_client_fts_ai AFTER INSERT ON clients_client BEGIN
        INSERT INTO clients_client_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER clients_client_fts_ad AFTER DELETE ON clients_client BEGIN
        INSERT INTO clients_client_fts(clients_client_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text); END""",
    """CREATE TRIGGER clients_client_fts_au AFTER UPDATE OF search_text ON clients_client BEGIN
        INSERT INTO clients_client_fts(clients_client_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO clients_client_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS clients_client_fts_ai",
    "DROP TRIGGER IF EXISTS clients_client_fts_ad",
    "DROP TRIGGER IF EXISTS clients_client_fts_au",
    "DROP TABLE IF EXISTS clients_client_fts",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS clients_client_search_trgm ON clients_client "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS clients_client_search_trgm"]


def create(apps, schema_editor):
    sqlite = schema_editor.connection.vendor == "sqlite"
    for sql in SQLITE_CREATE if sqlite else POSTGRES_CREATE:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    sqlite = schema_editor.connection.vendor == "sqlite"
    for sql in SQLITE_DROP if sqlite else POSTGRES_DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
