"""Indexes the client list walks at a million clients (docs/performance.md).

- (archived_at, status, id) replaces (status, id): every list filters on both; the first page
  walks it in id order and a count of the list reads nothing else.
- (group, client) and (label, client) on the membership tables: a page filtered by a group walks
  its members in client-id order, and a count reads only the index. Django creates these tables
  for the many-to-many fields, so their indexes are plain SQL here (the same on both databases).
"""

from django.db import migrations, models

MEMBERSHIP_INDEXES = [
    ("clients_client_groups", "clients_client_groups_member_idx", "clientgroup_id"),
    ("clients_client_labels", "clients_client_labels_member_idx", "label_id"),
]


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_search_index")]

    operations = [
        migrations.RemoveIndex(model_name="client", name="clients_client_status_idx"),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["archived_at", "status", "id"], name="clients_client_live_idx"),
        ),
        *(
            migrations.RunSQL(
                f"CREATE INDEX {name} ON {table} ({column}, client_id)",
                f"DROP INDEX {name}",
            )
            for table, name, column in MEMBERSHIP_INDEXES
        ),
    ]
