"""The business card by e-mail (R10.1): a form from the client's page and its row's Options, the
.vcf attached as text/vcard, sent by the worker, on the client's Wiadomości tab and History."""

import pytest
import vobject
from django.test import TestCase
from django.urls import reverse

from kartoteka.api.tests.client import token_client
from kartoteka.audit.models import AuditEvent
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.messaging.models import Message

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _attachment(message):
    parts = [p for p in message.walk() if p.get_content_disposition() == "attachment"]
    assert len(parts) == 1
    return parts[0]


def test_the_card_arrives_as_a_vcf_attachment_that_vobject_reads(employee_client, employee, inbox):
    client = ClientFactory(first_name="Mścisław", last_name="Żółkiewski", company_name="Łąka, Spółka; Jawna",
                           email="msc@example.pl", city="Łódź")  # fmt: skip
    url = reverse("messaging:send_vcard", args=[client.pk])
    form = employee_client.get(url)
    assert form.status_code == 200
    assert "Business card: Mścisław Żółkiewski" in form.content.decode()  # the default subject
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = employee_client.post(url, {"recipient": "Partner@Example.PL", "subject": "Wizytówka — Żółkiewski",
                                          "body": "W załączniku wizytówka.", "version": "3.0"})  # fmt: skip
    assert done.status_code == 302
    assert done["Location"] == reverse("messaging:client_tab", args=[client.pk])
    (received,) = inbox.messages
    assert received["To"] == "partner@example.pl"
    attachment = _attachment(received)
    assert attachment.get_content_type() == "text/vcard"
    assert attachment.get_filename().endswith(".vcf")
    card = vobject.readOne(attachment.get_payload(decode=True).decode())
    assert card.fn.value == "Mścisław Żółkiewski"
    assert card.org.value == ["Łąka, Spółka; Jawna"]
    assert card.email.value == "msc@example.pl"
    message = Message.objects.get()
    assert (message.kind, message.status, message.sent_by) == ("vcard", "sent", employee)
    event = AuditEvent.objects.get(event_type="messaging.vcard.queued")
    assert event.client_id == client.pk
    assert event.details["recipient"] == "partner@example.pl"
    # The client's Wiadomości tab shows it; its History names it.
    tab = employee_client.get(reverse("messaging:client_tab", args=[client.pk])).content.decode()
    assert "Wizytówka — Żółkiewski" in tab
    assert "partner@example.pl" in tab
    assert 'data-status="sent"' in tab
    history = employee_client.get(reverse("clients:history", args=[client.pk])).content.decode()
    assert "Business card sent to partner@example.pl" in history


def test_bad_input_is_a_message_per_field_and_nothing_is_queued(employee_client):
    client = ClientFactory()
    url = reverse("messaging:send_vcard", args=[client.pk])
    page = employee_client.post(url, {"recipient": "not-an-address", "subject": "", "body": "x", "version": "5.0"})
    assert page.status_code == 422
    text = page.content.decode()
    assert "Enter a valid e-mail address" in text
    assert "This field is required." in text
    assert "3.0 or 4.0" in text
    assert not Message.objects.exists()


def test_the_api_sends_the_card_and_serves_it_alone(employee, inbox):
    api = token_client(employee)
    client = ClientFactory(first_name="Anna", last_name="Nowak", company_name="", email="anna@example.pl")
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = api.post(f"/api/clients/{client.pk}/send-vcard", {"recipient": "kto@example.pl", "version": "4.0"},
                        content_type=JSON)  # fmt: skip
    assert sent.status_code == 202, sent.content
    assert sent.json()["kind"] == "vcard"
    assert sent.json()["subject"] == "Business card: Anna Nowak"
    card = vobject.readOne(_attachment(inbox.messages[0]).get_payload(decode=True).decode())
    assert card.version.value == "4.0"
    assert api.post(f"/api/clients/{client.pk}/send-vcard", {"recipient": "x"}, content_type=JSON).status_code == 422
    wrong = api.post(f"/api/clients/{client.pk}/send-vcard", {"recipient": "a@example.pl", "version": "2.1"},
                     content_type=JSON)  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == {"version": ["Choose vCard version 3.0 or 4.0."]}
    three = api.get(f"/api/clients/{client.pk}/vcard")
    assert three.status_code == 200
    assert three["Content-Type"].startswith("text/vcard")
    assert vobject.readOne(three.content.decode()).version.value == "3.0"
    four = api.get(f"/api/clients/{client.pk}/vcard?version=4.0")
    assert vobject.readOne(four.content.decode()).version.value == "4.0"
    assert api.get(f"/api/clients/{client.pk}/vcard?version=2.1").status_code == 422
    listed = api.get(f"/api/clients/{client.pk}/messages").json()
    assert [m["recipient"] for m in listed["items"]] == ["kto@example.pl"]
    assert api.get("/api/clients/999999/vcard").status_code == 404
    assert (
        api.post("/api/clients/999999/send-vcard", {"recipient": "a@example.pl"}, content_type=JSON).status_code == 404
    )


def test_the_row_options_and_the_client_page_offer_it(employee_client):
    client = ClientFactory()
    listing = employee_client.get(reverse("clients:list")).content.decode()
    assert 'data-menu-tab="send_vcard"' in listing
    page = employee_client.get(reverse("messaging:client_tab", args=[client.pk])).content.decode()
    assert 'data-menu-entry="send_vcard"' in page


def test_an_account_without_a_role_sees_no_messages_and_sends_no_cards(outsider, client):
    target = ClientFactory()
    client.force_login(outsider)
    assert client.get(reverse("messaging:send_vcard", args=[target.pk])).status_code == 403
    assert client.get(reverse("messaging:client_tab", args=[target.pk])).status_code == 403
    api = token_client(outsider)
    assert api.get(f"/api/clients/{target.pk}/messages").status_code in (403, 404)
    refused = api.post(f"/api/clients/{target.pk}/send-vcard", {"recipient": "a@example.pl"}, content_type=JSON)
    assert refused.status_code in (403, 404)
    assert not Message.objects.exists()


def test_the_tab_pages_newest_first(employee_client):
    from django.utils import timezone

    client = ClientFactory()
    now = timezone.now()
    for n in range(30):
        Message.objects.create(client=client, recipient="a@example.pl", subject=f"Temat {n:02d}",
                               next_attempt_at=now, created_at=now, status="sent")  # fmt: skip
    first = employee_client.get(reverse("messaging:client_tab", args=[client.pk])).content.decode()
    assert "Temat 29" in first
    assert "Temat 04" not in first
    assert "?cursor=" in first
    cursor = first.split("?cursor=")[1].split('"')[0]
    second = employee_client.get(reverse("messaging:client_tab", args=[client.pk]) + f"?cursor={cursor}")
    assert "Temat 04" in second.content.decode()
    assert "Temat 29" not in second.content.decode()


def test_a_permanently_deleted_client_takes_its_messages_along(administrator):
    from django.utils import timezone

    from kartoteka.clients.services import client_archive, client_delete

    client = ClientFactory()
    now = timezone.now()
    Message.objects.create(client=client, recipient="a@example.pl", subject="Temat", body="Treść osobista",
                           next_attempt_at=now, created_at=now)  # fmt: skip
    client_archive(actor=administrator, client=client)
    client.refresh_from_db()
    client_delete(actor=administrator, client=client)
    assert not Message.objects.exists()
