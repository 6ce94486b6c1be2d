"""Bulk jobs queued or running before the upgrade have no frozen items: they end as failed.

Run by the new worker they would "succeed" having done nothing (no items to walk), or wait for
ever (their task named a function that moved). The user reads why and starts the action again.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext

MESSAGE = "Kartoteka was updated while this job waited, so it did not run. Start the action again."


def fail(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    JobItem = apps.get_model("jobs", "JobItem")
    has_items = Exists(JobItem.objects.filter(job_id=OuterRef("pk")))
    waiting = Job.objects.filter(kind="bulk", status__in=["queued", "running"]).exclude(has_items)
    with translation.override(settings.LANGUAGE_CODE):
        message = gettext(MESSAGE)
    waiting.update(status="failed", finished_at=timezone.now(), error=message)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0003_fill_kind")]

    operations = [migrations.RunPython(fail, migrations.RunPython.noop)]
