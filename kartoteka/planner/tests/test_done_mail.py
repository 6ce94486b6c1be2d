"""Completing a task whose creator asked to be told: a notification, and an e-mail that a real SMTP
server on loopback receives — sent by the worker's task after commit, never inside the request."""

import email

import pytest
from django.test import TestCase
from django.urls import reverse

from kartoteka.core.tests.smtp import body_text, smtp_inbox
from kartoteka.notifications.models import Notification
from kartoteka.planner.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(settings):
    """An SMTP server on loopback; the worker's tasks run at once, when the transaction commits."""
    settings.KARTOTEKA_SITE_URL = "https://kartoteka.example.pl"
    yield from smtp_inbox(settings)


@pytest.fixture
def creator(manager):
    manager.email = "kierownik@example.pl"
    manager.save(update_fields=["email"])
    return manager


def _complete(http, task):
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        response = http.post(reverse("planner:done", args=[task.pk]), {"version": task.version})
    return response, callbacks


def test_the_creator_who_asked_gets_a_notification_and_a_real_email(
    employee_client, employee, creator, inbox, settings
):
    settings.LANGUAGE_CODE = "pl"
    task = TaskFactory(subject="Oddzwonić do klienta", created_by=creator, notify_creator=True, assignees=[employee])
    with TestCase.captureOnCommitCallbacks(execute=False) as pending:
        employee_client.post(reverse("planner:done", args=[task.pk]), {"version": task.version})
    assert inbox.messages == []  # nothing is sent inside the request: only after the commit
    assert len(pending) == 1
    pending[0]()  # the commit: the task is enqueued (and run at once by the immediate backend)
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "kierownik@example.pl"
    assert "Oddzwonić do klienta" in str(email.header.make_header(email.header.decode_header(message["Subject"])))
    body = body_text(message)
    assert "Oddzwonić do klienta" in body
    assert str(employee) in body
    assert f"https://kartoteka.example.pl/clients/{task.client_id}/calendar/?month=" in body
    note = Notification.objects.get()
    assert (note.recipient, note.read_at) == (creator, None)


def test_no_notification_and_no_email_when_the_creator_did_not_ask(employee_client, employee, creator, inbox):
    task = TaskFactory(created_by=creator, notify_creator=False, assignees=[employee])
    response, callbacks = _complete(employee_client, task)
    assert response.status_code == 302
    assert callbacks == []
    assert inbox.messages == []
    assert not Notification.objects.exists()


def test_no_email_when_the_task_was_reopened_before_the_worker_ran(employee_client, employee, creator, inbox):
    task = TaskFactory(created_by=creator, notify_creator=True, assignees=[employee])
    with TestCase.captureOnCommitCallbacks(execute=False) as pending:
        employee_client.post(reverse("planner:done", args=[task.pk]), {"version": task.version})
    task.refresh_from_db()
    employee_client.post(reverse("planner:reopen", args=[task.pk]), {"version": task.version})
    pending[0]()
    assert inbox.messages == []
