"""Group and label names unique ignoring case and Unicode normal form, as a database rule.

`name_key` is NFC + casefold of the name. Existing names that fold to the same key (`Żółw` and
`ŻÓŁW`, made before this rule) keep the first one by id; the others get their id appended, so
nothing is lost and the unique index can be built.
"""

import unicodedata

from django.db import migrations, models


def key_of(name):
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def fill_name_keys(apps, schema_editor):
    for model_name in ("ClientGroup", "Label"):
        model = apps.get_model("clients", model_name)
        seen = set()
        for obj in model.objects.order_by("id"):
            name = unicodedata.normalize("NFC", obj.name)
            if key_of(name) in seen:
                name = f"{name[: 100 - len(str(obj.pk)) - 3]} ({obj.pk})"
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
