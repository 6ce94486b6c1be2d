"""The bulk action "Utwórz zadanie" (seed 004): one task per selected client, set-based."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.audit.models import AuditEvent
from kartoteka.audit.selectors import client_history
from kartoteka.bulk.services import bulk_job_run, bulk_run, selection_from
from kartoteka.clients import demo
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.errors import ValidationError
from kartoteka.jobs.models import Job
from kartoteka.planner.models import Task, TaskAssignee

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _due() -> str:
    return (timezone.localdate() + dt.timedelta(days=3)).isoformat()


def _params(*assignees, **extra):
    return {"subject": "Oddzwonić", "body": "Prośba o kontakt", "due_date": _due(), "due_time": "10:30",
            "assignees": [u.pk for u in assignees], "notify": True, **extra}  # fmt: skip


def _run(actor, ids, params):
    selection = selection_from(list_name="clients", ids=ids)
    return bulk_run(actor=actor, action_name="create_task", list_name="clients", selection=selection, params=params)


def test_create_task_for_3_clients_makes_3_separate_tasks_with_the_same_content(manager, employee):
    clients = ClientFactory.create_batch(3)
    outcome = _run(manager, [c.pk for c in clients], _params(employee, manager))
    assert outcome.job is None
    assert outcome.report == {"selected": 3, "changed": 3, "skipped": {}}
    tasks = Task.objects.order_by("client_id")
    assert [t.client_id for t in tasks] == sorted(c.pk for c in clients)
    for task in tasks:
        assert (task.subject, task.body, task.due_date.isoformat(), task.due_time) == (
            "Oddzwonić", "Prośba o kontakt", _due(), dt.time(10, 30),
        )  # fmt: skip
        assert task.created_by == manager
        assert task.notify_creator
        assert task.done_at is None
        assert set(task.assignees.all()) == {employee, manager}
        assert task.search_text == "oddzwonic prosba o kontakt"
    assert TaskAssignee.objects.count() == 6
    event = AuditEvent.objects.get(event_type="planner.task.bulk_created")
    for client in clients:  # each client's History shows the run
        assert list(client_history(actor=manager, client_id=client.pk)) == [event]


def test_archived_clients_are_skipped_with_the_reason(manager):
    active, archived = ClientFactory(), ClientFactory(status="inactive", archived_at=timezone.now())
    outcome = _run(manager, [active.pk, archived.pk], _params(manager))
    assert outcome.report["changed"] == 1
    assert outcome.report["skipped"] == {"not_on_list": 1}
    assert list(Task.objects.values_list("client_id", flat=True)) == [active.pk]


def test_bad_parameters_get_a_message_each_and_nothing_is_created(manager):
    client = ClientFactory()
    with pytest.raises(ValidationError) as exc:
        _run(manager, [client.pk], {"subject": " ", "due_date": "jutro", "due_time": "7", "assignees": []})
    assert exc.value.message_dict == {
        "subject": ["Enter the task's subject."],
        "due_date": ["Enter a date as YYYY-MM-DD."],
        "due_time": ["Enter a time as HH:MM (24-hour clock), or leave it empty for all day."],
        "assignees": ["Choose at least one staff member."],
    }
    assert not Task.objects.exists()


def test_3_and_3000_clients_take_the_same_number_of_queries(settings, manager, employee, django_assert_max_num_queries):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 5000  # both at once, in one transaction
    few = [c.pk for c in ClientFactory.create_batch(3)]
    many = demo.load_clients(count=3000, seed=7, sets=1)
    _run(manager, few[:1], _params(employee))  # the actor's permissions are loaded (and cached) on first use
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        _run(manager, few, _params(employee, manager))
    with django_assert_max_num_queries(len(small)):
        outcome = _run(manager, many, _params(employee, manager))
    assert outcome.report["changed"] == 3000
    assert Task.objects.count() == 1 + 3 + 3000
    assert TaskAssignee.objects.count() == 1 + 2 * 3 + 2 * 3000


def test_a_large_selection_runs_as_a_job(settings, manager, employee):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    settings.KARTOTEKA_BULK_CHUNK = 2
    clients = ClientFactory.create_batch(5)
    outcome = _run(manager, [c.pk for c in clients], _params(employee))
    assert outcome.job is not None
    assert not Task.objects.exists()
    bulk_job_run(job_id=outcome.job.pk)
    job = Job.objects.get(pk=outcome.job.pk)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["changed"] == 5
    assert Task.objects.count() == 5
    assert TaskAssignee.objects.count() == 5  # each chunk's batch gets exactly its own tasks' assignees


def test_the_list_menu_offers_it_and_the_confirmation_asks_for_the_task(manager_client, manager, employee):
    clients = ClientFactory.create_batch(2)
    ids = [str(c.pk) for c in clients]
    url = reverse("bulk:run", args=["create_task"])
    page = manager_client.post(url, {"ids": ids, "mode": "ids", "list": "clients"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="subject"' in text
    assert 'name="assignees"' in text
    assert 'name="notify"' in text
    form = {
        "ids": ids, "mode": "ids", "list": "clients", "step": "confirm", "subject": "Wysłać ofertę",
        "due_date": _due(), "due_time": "", "assignees": [str(employee.pk), str(manager.pk)], "notify": "on",
    }  # fmt: skip
    done = manager_client.post(url, form)
    assert done.status_code == 302
    assert Task.objects.count() == 2
    assert all(t.due_time is None and t.notify_creator for t in Task.objects.all())
    assert TaskAssignee.objects.count() == 4


def test_the_api_creates_the_tasks_and_refuses_bad_parameters_per_field(manager, employee):
    api = token_client(manager)
    clients = ClientFactory.create_batch(3)
    body = {"ids": [c.pk for c in clients], "subject": "Z API", "due_date": _due(), "assignees": [employee.pk]}
    response = api.post("/api/clients/bulk/create_task", body, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json() == {"action": "create_task", "selected": 3, "changed": 3, "skipped": {}}
    bad = api.post("/api/clients/bulk/create_task", {**body, "due_date": "2026-02-30"}, content_type=JSON)
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"due_date": ["Enter a date as YYYY-MM-DD."]}
    assert Task.objects.count() == 3
