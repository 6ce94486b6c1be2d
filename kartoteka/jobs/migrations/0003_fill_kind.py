"""Jobs from before job kinds were bulk actions; the finished ones count as already seen."""

from django.db import migrations
from django.db.models import F


def fill(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    Job.objects.filter(kind="", action__startswith="bulk.").update(kind="bulk")
    Job.objects.filter(status__in=["succeeded", "failed"], notified_at__isnull=True).update(
        notified_at=F("finished_at"), seen_at=F("finished_at")
    )


class Migration(migrations.Migration):
    dependencies = [("jobs", "0002_kinds_items_heartbeat_files")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
