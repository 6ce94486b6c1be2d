"""The bulk action "Wyślij wiadomość": one e-mail per selected client with an address, queued in
the request (set-based) and sent by the worker to a real SMTP server; skipped clients reported."""

import email.header

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.audit.models import AuditEvent
from kartoteka.bulk.services import bulk_run, selection_from
from kartoteka.clients import demo
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.errors import ValidationError
from kartoteka.core.tests.smtp import body_text
from kartoteka.jobs.models import Job, JobItem
from kartoteka.messaging.models import Message
from kartoteka.messaging.services import outbox_send_due

pytestmark = pytest.mark.django_db
JSON = "application/json"
SUBJECT = "Zaproszenie dla {{ client.first_name }}"
BODY = "Dzień dobry {{ client.full_name }},\n{% if client.company %}firma {{ client.company }}{% endif %}\nŻółć."


def _run(actor, ids, subject=SUBJECT, body=BODY):
    selection = selection_from(list_name="clients", ids=ids)
    params = {"subject": subject, "body": body}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return bulk_run(
            actor=actor, action_name="send_message", list_name="clients", selection=selection, params=params
        )


def _text(message) -> str:
    return body_text(message).replace("\r\n", "\n").rstrip("\n")


def _subject(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def test_each_client_gets_its_own_email_with_polish_letters_intact(manager, inbox):
    anna = ClientFactory(first_name="Łucja", last_name="Źdźbło", company_name="Gęś i Syn", email="lucja@example.pl")
    jan = ClientFactory(first_name="Jan", last_name="Kowalski", company_name="", email="jan@example.pl")
    outcome = _run(manager, [anna.pk, jan.pk])
    assert outcome.report == {"selected": 2, "changed": 2, "skipped": {}}
    received = {m["To"]: m for m in inbox.messages}
    assert set(received) == {"lucja@example.pl", "jan@example.pl"}
    lucja = received["lucja@example.pl"]
    assert _subject(lucja) == "Zaproszenie dla Łucja"
    assert "=?utf-8?" in lucja["Subject"].lower()  # RFC 2047 on the wire
    assert lucja.get_content_charset() == "utf-8"
    assert _text(lucja) == "Dzień dobry Łucja Źdźbło,\nfirma Gęś i Syn\nŻółć."
    assert _text(received["jan@example.pl"]) == "Dzień dobry Jan Kowalski,\n\nŻółć."
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert Message.objects.get(client=anna).sent_by == manager
    # The History of each client names the send.
    event = AuditEvent.objects.get(event_type="messaging.message.queued")
    assert set(event.targets.values_list("client_id", flat=True)) == {anna.pk, jan.pk}


def test_clients_without_an_email_and_archived_ones_are_skipped_with_the_reason(manager, inbox):
    with_email = ClientFactory(email="ok@example.pl")
    without = ClientFactory()
    Client.objects.filter(pk=without.pk).update(email="")  # imported that way
    archived = ClientFactory(email="old@example.pl", archived_at=timezone.now(), status="inactive")
    outcome = _run(manager, [with_email.pk, without.pk, archived.pk])
    assert outcome.report["changed"] == 1
    # The archived one is not on the client list the ids were picked from.
    assert outcome.report["skipped"] == {"no_email": 1, "not_on_list": 1}
    assert [m["To"] for m in inbox.messages] == ["ok@example.pl"]
    outcomes = dict(JobItem.objects.values_list("object_id", "outcome"))
    assert outcomes == {with_email.pk: "changed", without.pk: "no_email"}
    assert not Message.objects.filter(client=without).exists()


def test_a_bad_template_changes_nothing_and_names_the_line(manager, inbox):
    client = ClientFactory()
    with pytest.raises(ValidationError) as caught:
        _run(manager, [client.pk], body="Dzień dobry\n{{ client.nickname }}")
    assert caught.value.message_dict == {"body": ["Line 2: unknown variable client.nickname."]}
    with pytest.raises(ValidationError) as caught:
        _run(manager, [client.pk], subject="{{ client.__class__ }}")
    assert "subject" in caught.value.message_dict
    assert not Message.objects.exists()
    assert not Job.objects.exists()
    assert inbox.messages == []


def test_queueing_3_or_3000_messages_takes_the_same_number_of_queries(settings, manager):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 5000
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    few = [c.pk for c in ClientFactory.create_batch(3)]
    many = demo.load_clients(count=3000, seed=11, sets=1)
    _run(manager, few[:1])  # the actor's permissions are loaded (and cached) on first use
    with CaptureQueriesContext(connection) as small:
        _run(manager, few)
    with CaptureQueriesContext(connection) as large:
        outcome = _run(manager, many)
    assert outcome.report["changed"] == 3000
    assert Message.objects.filter(status="queued").count() == 1 + 3 + 3000
    # 3,000 rows in INSERTs of 1,000 (executemany): two more statements than for 3, never one per client.
    assert len(large) <= len(small) + 2, [q["sql"][:80] for q in large.captured_queries]


def test_a_large_selection_is_queued_by_the_worker_and_points_at_its_job(settings, manager, inbox):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    settings.KARTOTEKA_BULK_CHUNK = 2
    clients = ClientFactory.create_batch(5)
    outcome = _run(manager, [c.pk for c in clients])
    assert outcome.job is not None  # enqueued; here the worker's tasks run at once, on commit
    job = Job.objects.get(pk=outcome.job.pk)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert set(Message.objects.values_list("job_id", flat=True)) == {job.pk}
    assert len(inbox.messages) == 5


def test_the_confirmation_page_previews_the_message_for_the_first_selected_client(manager_client, manager):
    first = ClientFactory(first_name="Żaneta", email="zaneta@example.pl")
    second = ClientFactory(first_name="Olga")
    url = reverse("bulk:run", args=["send_message"])
    selection = {"ids": [str(second.pk), str(first.pk)], "mode": "ids", "list": "clients"}
    page = manager_client.post(url, selection)
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="subject"' in text
    assert 'id="message-preview-button"' in text
    assert "client.first_name" in text  # the variables are listed
    preview = manager_client.post(
        reverse("messaging:preview"), {**selection, "subject": SUBJECT, "body": BODY}, headers={"HX-Request": "true"}
    )
    html = preview.content.decode()
    assert 'id="preview-subject">Zaproszenie dla Żaneta<' in html
    assert "zaneta@example.pl" in html
    bad = manager_client.post(reverse("messaging:preview"), {**selection, "subject": "x", "body": "a\n{% for %}"})
    assert "Line 2: syntax error" in bad.content.decode()
    assert not Message.objects.exists()


def test_a_bad_template_is_a_form_error_with_the_line(manager_client):
    client = ClientFactory()
    url = reverse("bulk:run", args=["send_message"])
    form = {"ids": [str(client.pk)], "mode": "ids", "list": "clients", "step": "confirm", "subject": "Hej",
            "body": "ok\n{{ client.nickname }}"}  # fmt: skip
    page = manager_client.post(url, form)
    assert page.status_code == 200
    assert "Line 2: unknown variable client.nickname." in page.content.decode()
    assert not Message.objects.exists()


def test_the_web_form_queues_the_messages(manager_client, inbox):
    client = ClientFactory(email="web@example.pl")
    url = reverse("bulk:run", args=["send_message"])
    form = {"ids": [str(client.pk)], "mode": "ids", "list": "clients", "step": "confirm", "subject": "Hej",
            "body": "Treść"}  # fmt: skip
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = manager_client.post(url, form)
    assert done.status_code == 302
    assert [m["To"] for m in inbox.messages] == ["web@example.pl"]


def test_the_api_sends_and_previews_and_answers_422_with_the_line(manager, inbox):
    api = token_client(manager)
    client = ClientFactory(first_name="Świętosław", email="sw@example.pl")
    preview = api.post("/api/messages/preview", {"client_id": client.pk, "subject": SUBJECT, "body": BODY},
                       content_type=JSON)  # fmt: skip
    assert preview.status_code == 200, preview.content
    assert preview.json()["subject"] == "Zaproszenie dla Świętosław"
    bad = api.post("/api/messages/preview", {"client_id": client.pk, "subject": "x", "body": "{{ client.x }}"},
                   content_type=JSON)  # fmt: skip
    assert bad.status_code == 422
    assert "Line 1: unknown variable client.x." in str(bad.json())
    body = {"ids": [client.pk], "subject": SUBJECT, "body": BODY}
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = api.post("/api/clients/bulk/send_message", body, content_type=JSON)
    assert sent.status_code == 200, sent.content
    assert sent.json()["changed"] == 1
    assert len(inbox.messages) == 1
    broken = api.post("/api/clients/bulk/send_message", {**body, "body": "{% for x in y %}"}, content_type=JSON)
    assert broken.status_code == 422
    assert Message.objects.count() == 1
    listed = api.get(f"/api/clients/{client.pk}/messages")
    assert listed.status_code == 200
    assert [m["status"] for m in listed.json()["items"]] == ["sent"]


def test_employees_may_not_send_bulk_messages(employee, employee_client):
    client = ClientFactory()
    api = token_client(employee)
    assert api.post("/api/messages/preview", {"client_id": client.pk, "subject": "a", "body": "b"},
                    content_type=JSON).status_code == 403  # fmt: skip
    refused = api.post("/api/clients/bulk/send_message", {"ids": [client.pk], "subject": "a", "body": "b"},
                       content_type=JSON)  # fmt: skip
    assert refused.status_code == 403
    assert employee_client.post(reverse("messaging:preview"), {"ids": [client.pk]}).status_code == 403
    assert not Message.objects.exists()
    assert outbox_send_due() == {"sent": 0, "retry": 0, "failed": 0}
