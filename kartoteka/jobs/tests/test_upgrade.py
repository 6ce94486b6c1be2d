"""Jobs left over from before frozen job items: they end as failed, never as a silent success."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string
from django_tasks.base import Task

from kartoteka.jobs.tasks import job_task

BEFORE = [("jobs", "0003_fill_kind")]
AFTER = [("jobs", "0004_fail_jobs_from_before_items")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_bulk_jobs_waiting_without_items_fail_with_a_readable_message(settings):
    settings.LANGUAGE_CODE = "en"
    apps = _migrate(BEFORE)
    Job, JobItem = apps.get_model("jobs", "Job"), apps.get_model("jobs", "JobItem")
    old_queued = Job.objects.create(kind="bulk", action="bulk.delete", status="queued")
    old_running = Job.objects.create(kind="bulk", action="bulk.archive", status="running")
    frozen = Job.objects.create(kind="bulk", action="bulk.archive", status="queued")
    JobItem.objects.create(job=frozen, object_id=1)
    export = Job.objects.create(kind="test.file", action="test.export", status="queued")
    done = Job.objects.create(kind="bulk", action="bulk.archive", status="succeeded")
    try:
        apps = _migrate(AFTER)
        Job = apps.get_model("jobs", "Job")
        for job in (old_queued, old_running):
            after = Job.objects.get(pk=job.pk)
            assert after.status == "failed"
            assert after.finished_at is not None
            assert "Start the action again" in after.error
        states = dict(Job.objects.filter(pk__in=[frozen.pk, export.pk, done.pk]).values_list("pk", "status"))
        assert states == {frozen.pk: "queued", export.pk: "queued", done.pk: "succeeded"}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_tasks_queued_before_the_upgrade_still_find_their_function():
    old = import_string("kartoteka.bulk.tasks.bulk_job")  # what their django-tasks rows name
    assert isinstance(old, Task)
    assert old.func is job_task.func
