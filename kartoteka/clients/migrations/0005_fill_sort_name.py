"""Fill Client.sort_name for clients that existed before 0004 (batched; no app code imported),
then index it (after the fill: building the index once beats updating it row by row).

The folding is frozen here: lower case, diacritics removed, ł → l (as clients.search.sort_name_for
does at the time of writing).
"""

import re
import unicodedata

from django.db import migrations, models

BATCH = 5000
_EXTRA = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae"})
_SPACES = re.compile(r"\s+")


def _fold(text):
    text = text.translate(_EXTRA)
    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold().translate(_EXTRA)).strip()


def fill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    table = schema_editor.connection.ops.quote_name(Client._meta.db_table)
    last_id = 0
    while True:
        rows = list(
            Client.objects.filter(id__gt=last_id).order_by("id").values_list("id", "last_name", "first_name")[:BATCH]
        )
        if not rows:
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET sort_name = %s WHERE id = %s",
                [(_fold(f"{last} {first}")[:201], pk) for pk, last, first in rows],
            )
        last_id = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_client_sort_name")]
    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["sort_name", "id"], name="clients_client_sort_name_idx"),
        ),
    ]
