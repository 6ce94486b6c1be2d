"""Task services: validation, the same client's case, audit entries in the History, conditional
writes, completing (and who is told), roles, and the whole-client rules (delete, relations)."""

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.cases.tests.factories import CaseFactory
from kartoteka.clients import services as client_services
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationError
from kartoteka.core.relations import OnAnonymise, OnDelete, OnMerge
from kartoteka.notifications.models import Notification
from kartoteka.planner import services
from kartoteka.planner.models import Task
from kartoteka.planner.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _day(days: int = 1) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_create_makes_a_task_assigned_to_its_creator_and_records_it_in_the_clients_history(employee):
    client = ClientFactory()
    task = services.task_create(
        actor=employee, client=client,
        data={"subject": "  Zadzwonić   do klienta ", "body": "W sprawie umowy", "due_date": _day().isoformat()},
    )  # fmt: skip
    assert task.subject == "Zadzwonić do klienta"
    assert task.due_time is None  # all day
    assert list(task.assignees.all()) == [employee]
    assert task.created_by == employee
    assert task.search_text == "zadzwonic do klienta w sprawie umowy"
    event = AuditEvent.objects.get(event_type="planner.task.created")
    assert event.client_id == client.pk
    assert event.details == {"task_id": task.pk, "subject": "Zadzwonić do klienta"}
    assert event.changes["assignees"] == [None, [str(employee)]]


def test_each_bad_field_gets_its_own_message_and_nothing_is_saved(employee):
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            actor=employee, client=ClientFactory(),
            data={"subject": " ", "body": "a" * 20001, "due_date": "23.11.2026", "due_time": "25:00", "assignees": []},
        )  # fmt: skip
    assert exc.value.message_dict == {
        "subject": ["Enter the task's subject."],
        "body": ["Use at most 20000 characters."],
        "due_date": ["Enter a date as YYYY-MM-DD."],
        "due_time": ["Enter a time as HH:MM (24-hour clock), or leave it empty for all day."],
    }
    assert not Task.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_task_needs_at_least_one_assignee_and_they_must_be_staff(employee, outsider):
    client = ClientFactory()
    data = {"subject": "X", "due_date": _day().isoformat()}
    with pytest.raises(ValidationError) as exc:
        services.task_create(actor=employee, client=client, data={**data, "assignees": []})
    assert exc.value.message_dict == {"assignees": ["Choose at least one staff member."]}
    with pytest.raises(NotFound):  # an account without a role is nobody's colleague
        services.task_create(actor=employee, client=client, data={**data, "assignees": [outsider.pk]})
    assert not Task.objects.exists()


def test_the_case_must_be_one_of_the_same_clients(employee):
    client, other = ClientFactory(), ClientFactory()
    own_case, foreign_case = CaseFactory(client=client), CaseFactory(client=other)
    data = {"subject": "X", "due_date": _day().isoformat()}
    with pytest.raises(NotFound) as exc:
        services.task_create(actor=employee, client=client, data={**data, "case": foreign_case.pk})
    assert exc.value.message == f"This client has no case with id {foreign_case.pk}."
    assert not Task.objects.exists()
    task = services.task_create(actor=employee, client=client, data={**data, "case": own_case.pk})
    assert task.case == own_case
    with pytest.raises(NotFound):
        services.task_update(actor=employee, task=task, data={"case": foreign_case.pk})
    assert Task.objects.get(pk=task.pk).case == own_case


def test_a_time_of_day_is_kept_and_seconds_are_dropped(employee):
    task = services.task_create(
        actor=employee,
        client=ClientFactory(),
        data={"subject": "X", "due_date": _day().isoformat(), "due_time": "09:30:15"},
    )
    assert task.due_time == dt.time(9, 30)


def test_update_changes_the_given_fields_and_the_assignees_and_records_what_changed(employee, manager):
    task = TaskFactory(subject="Stary", assignees=[employee])
    services.task_update(actor=employee, task=task, data={"subject": "Nowy", "assignees": [manager.pk, employee.pk]})
    task.refresh_from_db()
    assert task.subject == "Nowy"
    assert set(task.assignees.all()) == {employee, manager}
    assert task.version == 2
    event = AuditEvent.objects.get(event_type="planner.task.updated")
    assert event.changes["subject"] == ["Stary", "Nowy"]
    assert event.changes["assignees"] == [[str(employee)], sorted([str(employee), str(manager)])]


def test_a_stale_edit_is_refused_instead_of_overwriting(employee):
    task = TaskFactory(assignees=[employee])
    services.task_update(actor=employee, task=Task.objects.get(pk=task.pk), data={"subject": "Pierwszy"})
    with pytest.raises(services.StaleTask):
        services.task_update(actor=employee, task=task, data={"subject": "Drugi"}, expected_version=1)
    assert Task.objects.get(pk=task.pk).subject == "Pierwszy"


def test_mark_done_and_reopen_are_recorded_and_cannot_repeat(employee):
    task = TaskFactory(assignees=[employee])
    services.task_mark_done(actor=employee, task=task)
    task.refresh_from_db()
    assert task.done_at is not None
    assert task.done_by == employee
    with pytest.raises(ApplicationError):
        services.task_mark_done(actor=employee, task=task)
    services.task_reopen(actor=employee, task=task)
    task.refresh_from_db()
    assert task.done_at is None
    assert task.done_by is None
    assert list(AuditEvent.objects.order_by("id").values_list("event_type", flat=True)) == [
        "planner.task.done",
        "planner.task.reopened",
    ]


def test_employees_create_and_complete_tasks_but_only_managers_delete_them(employee, manager, outsider):
    task = TaskFactory(assignees=[employee])
    with pytest.raises(PermissionDenied):
        services.task_create(actor=outsider, client=ClientFactory(), data={"subject": "X", "due_date": "2026-12-01"})
    with pytest.raises(PermissionDenied):
        services.task_delete(actor=employee, task=task)
    services.task_delete(actor=manager, task=task)
    assert not Task.objects.exists()
    assert AuditEvent.objects.get(event_type="planner.task.deleted").details["subject"] == task.subject


def test_an_archived_clients_tasks_cannot_change(employee):
    task = TaskFactory(client=ClientFactory(status="inactive", archived_at=timezone.now()), assignees=[employee])
    with pytest.raises(ApplicationError):
        services.task_mark_done(actor=employee, task=task)
    with pytest.raises(ApplicationError):
        services.task_create(actor=employee, client=task.client, data={"subject": "X", "due_date": "2026-12-01"})


def test_completing_tells_the_creator_only_when_asked_and_only_when_someone_else_completes_it(employee, manager):
    manager.email = "manager1@example.pl"
    manager.save(update_fields=["email"])
    asked = TaskFactory(created_by=manager, notify_creator=True, assignees=[employee])
    not_asked = TaskFactory(created_by=manager, notify_creator=False, assignees=[employee])
    own = TaskFactory(created_by=employee, notify_creator=True, assignees=[employee])
    with TestCase.captureOnCommitCallbacks() as callbacks:
        services.task_mark_done(actor=employee, task=not_asked)
        services.task_mark_done(actor=employee, task=own)
    assert not Notification.objects.exists()
    assert callbacks == []
    with TestCase.captureOnCommitCallbacks() as callbacks:
        services.task_mark_done(actor=employee, task=asked)
    note = Notification.objects.get()
    assert (note.recipient, note.actor, note.client, note.kind) == (
        manager,
        employee,
        asked.client,
        "planner.task_done",
    )
    assert asked.subject in note.text
    assert note.link.endswith(f"#task-{asked.pk}")
    assert len(callbacks) == 1  # the e-mail: enqueued for the worker once the transaction commits


def test_permanent_delete_of_an_archived_client_removes_its_tasks_and_their_assignments(administrator, employee):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    task = TaskFactory(client=client, assignees=[employee])
    client_services.client_delete(actor=administrator, client=client)
    assert not Task.objects.filter(pk=task.pk).exists()
    assert not task.assignments.exists()


def test_tasks_declare_what_merge_anonymisation_and_delete_do_to_them():
    declaration = Task.client_relation
    assert declaration.on_merge == OnMerge.MOVE
    assert declaration.on_anonymise == OnAnonymise.SCRUB
    assert {"subject", "body"} <= set(declaration.personal_fields)
    assert declaration.on_delete == OnDelete.DELETE
