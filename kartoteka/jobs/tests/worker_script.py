"""Run inside `manage.py shell -c` by test_worker.py, against the database the real workers use."""

from __future__ import annotations

import json

from django.contrib.auth.models import Group
from django.db.models import Count

from kartoteka.accounts.models import User
from kartoteka.accounts.roles import MANAGER
from kartoteka.audit.models import AuditEventClient
from kartoteka.bulk.services import bulk_run, selection_from
from kartoteka.clients import demo
from kartoteka.clients.models import Client
from kartoteka.jobs.models import Job, JobItem


def setup(clients: int) -> None:
    """Clients, a manager, and a confirmed "archive everything on the list" job waiting in the queue."""
    demo.load_clients(count=clients, seed=7, sets=2)
    actor = User.objects.create_user(username="worker-test", password=None)
    actor.groups.add(Group.objects.get(name=MANAGER))
    selection = selection_from(list_name="clients", filter_params={"status": "all"})
    outcome = bulk_run(actor=actor, action_name="archive", list_name="clients", selection=selection, params={})
    assert outcome.job is not None
    print(json.dumps({"job_id": outcome.job.pk, "total": outcome.job.total}))


def report(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    items = JobItem.objects.filter(job=job)
    frozen = set(items.values_list("object_id", flat=True))
    targets = AuditEventClient.objects.filter(event__event_type="clients.client.archived")
    target_ids = list(targets.values_list("client_id", flat=True))
    print(
        json.dumps(
            {
                "status": job.status,
                "attempts": job.attempts,
                "error": job.error,
                "result": job.result,
                "done": job.done,
                "total": job.total,
                "outcomes": dict(items.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n")),
                "archived_frozen": Client.objects.filter(id__in=frozen, archived_at__isnull=False).count(),
                "archived_not_frozen": Client.objects.exclude(id__in=frozen).filter(archived_at__isnull=False).count(),
                "audit_targets": len(target_ids),
                "audit_distinct_targets": len(set(target_ids)),
                "audit_targets_are_the_frozen": set(target_ids) == frozen,
                "audit_events": targets.values("event").distinct().count(),
            }
        )
    )
