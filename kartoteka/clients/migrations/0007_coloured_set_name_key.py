"""Group and label names unique ignoring case and Unicode normal form, as a database rule.

`name_key` is NFC + casefold of the name. Existing names that fold to the same key (`Żółw` and
`ŻÓŁW`, made before this rule) keep the first one by id; the others get their id appended, so
nothing is lost and the unique index can be built. An appended name that is itself taken
(`A (3)` existing beside `A` and `a` with id 3) gets a counter too: it was edited after shipping only
for that case, where it used to stop on the unique index, so databases it has migrated are unchanged.
"""

import unicodedata

from django.db import migrations, models


def key_of(name):
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def unique_name(name, pk, seen):
    """`name`, or `name (pk)`, `name (pk-2)`... the first whose key is not in `seen` (at most 100 characters)."""
    candidate, attempt = name, 1
    while key_of(candidate) in seen:
        suffix = f" ({pk})" if attempt == 1 else f" ({pk}-{attempt})"
        candidate = f"{name[: 100 - len(suffix)]}{suffix}"
        attempt += 1
    return candidate


def fill_name_keys(apps, schema_editor):
    for model_name in ("ClientGroup", "Label"):
        model = apps.get_model("clients", model_name)
        seen = set()
        for obj in model.objects.order_by("id"):
            name = unique_name(unicodedata.normalize("NFC", obj.name), obj.pk, seen)
            seen.add(key_of(name))
            model.objects.filter(pk=obj.pk).update(name=name, name_key=key_of(name))


class Migration(migrations.Migration):
    dependencies = [("clients", "0006_client_counts")]

    operations = [
        migrations.AddField(
            model_name="clientgroup",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=300),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="label",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=300),
            preserve_default=False,
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="clientgroup",
            name="name_key",
            field=models.CharField(editable=False, max_length=300, unique=True),
        ),
        migrations.AlterField(
            model_name="label",
            name="name_key",
            field=models.CharField(editable=False, max_length=300, unique=True),
        ),
    ]
