"""ContactPerson.version: raised by every change, so an edit or removal can be conditional on it.

ALTER TABLE with a constant default, as clients 0008 did: no trigger or index lives on this table
today, but Django's SQLite AddField would copy the whole table (and every table that points at a
contact person, such as mail collected by one, would briefly point at a table being rebuilt); one
ALTER adds the column in place on both databases.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_contact_person")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE contacts_contactperson ADD COLUMN version integer NOT NULL DEFAULT 1",
                    "ALTER TABLE contacts_contactperson DROP COLUMN version",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="contactperson", name="version", field=models.PositiveIntegerField(default=1)
                )
            ],
        ),
    ]
