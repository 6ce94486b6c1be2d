"""Client.sort_name (folded "last first") and its index, replacing the (last_name, first_name) one.

The column is added with plain ALTER TABLE on purpose: Django's SQLite AddField for a NOT NULL
column with a default rebuilds the table, and a rebuilt table loses the full-text triggers of
migration 0002 (and copies every row). ALTER TABLE ADD COLUMN with a constant default is
instant on SQLite and PostgreSQL alike.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_list_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="client", name="clients_client_name_idx"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE clients_client ADD COLUMN sort_name varchar(201) NOT NULL DEFAULT ''",
                    "ALTER TABLE clients_client DROP COLUMN sort_name",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="client",
                    name="sort_name",
                    field=models.CharField(default="", editable=False, max_length=201),
                )
            ],
        ),
    ]
