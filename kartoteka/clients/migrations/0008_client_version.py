"""Client.version: raised by every write to a client, so an edit can be made conditional on it.

ALTER TABLE with a constant default, as in 0004: Django's SQLite AddField would rebuild the table
and lose the full-text triggers of 0002.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("clients", "0007_coloured_set_name_key")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE clients_client ADD COLUMN version integer NOT NULL DEFAULT 1",
                    "ALTER TABLE clients_client DROP COLUMN version",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="client",
                    name="version",
                    field=models.IntegerField(default=1, editable=False),
                )
            ],
        ),
    ]
