"""The demo tasks: around today, assigned to existing staff, in the clients' History; none without staff."""

import random

import pytest
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.planner.demo import DEMO_TASKS, seed
from kartoteka.planner.models import Task

pytestmark = pytest.mark.django_db


def _rng() -> random.Random:
    return random.Random(1)  # noqa: S311 - demo data, not secrets


def test_demo_tasks_are_assigned_to_the_staff_and_recorded(administrator):
    ids = [c.pk for c in ClientFactory.create_batch(5)]
    line = seed(rng=_rng(), client_ids=ids)
    assert Task.objects.count() == DEMO_TASKS
    assert "admin1" in line
    today = timezone.localdate()
    assert Task.objects.filter(due_date__lt=today, done_at__isnull=True).exists()
    assert Task.objects.filter(due_date=today).exists() or Task.objects.filter(due_date__gt=today).exists()
    assert all(list(t.assignees.all()) == [administrator] for t in Task.objects.all())
    assert AuditEvent.objects.filter(event_type="planner.task.created").count() == DEMO_TASKS


def test_without_staff_no_tasks_are_made_and_the_line_says_why(db):
    line = seed(rng=_rng(), client_ids=[ClientFactory().pk])
    assert not Task.objects.exists()
    assert "no staff" in line
