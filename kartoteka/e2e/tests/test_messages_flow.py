"""Messages to clients in a real browser: a manager selects clients, writes a message with
variables, sees a template error with its line, previews it for the first selected client, sends
it; after the worker ran, the client's Wiadomości tab shows it sent. Then the business card from
the row's Opcje."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.messaging.models import Message
from kartoteka.messaging.services import outbox_send_due

pytestmark = pytest.mark.e2e

ROWS = "#results tr[data-client-id]"


@pytest.fixture(autouse=True)
def _outbox_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_a_manager_previews_and_sends_a_message_and_sees_it_on_the_clients_tab(page, log_in, manager):
    zofia = ClientFactory(first_name="Zofia", last_name="Żurawska", email="zofia@example.pl")
    piotr = ClientFactory(first_name="Piotr", last_name="Łęcki", email="piotr@example.pl")
    log_in(manager)

    for client in (zofia, piotr):
        page.locator(f"{ROWS}[data-client-id='{client.pk}'] .row-check").check()
    page.click("#bulk-menu")
    page.click("[data-bulk-action='send_message']")
    expect(page.locator("#bulk-summary")).to_contain_text("2")

    # A variable that does not exist: the preview names its line, in Polish.
    page.fill("#id_subject", "Zaproszenie dla {{ client.first_name }}")
    page.fill("#id_body", "Dzień dobry {{ client.full_name }},\n{{ client.pseudonim }}")
    page.click("#message-preview-button")
    expect(page.locator("#preview-errors")).to_contain_text("Wiersz 2: nieznana zmienna client.pseudonim.")

    page.fill("#id_body", "Dzień dobry {{ client.full_name }},\nzapraszamy.")
    page.click("#message-preview-button")
    first = min((zofia, piotr), key=lambda c: c.pk)
    expect(page.locator("#preview-subject")).to_have_text(f"Zaproszenie dla {first.first_name}")
    expect(page.locator("#preview-body")).to_contain_text(f"Dzień dobry {first.first_name} {first.last_name},")
    assert not Message.objects.exists()  # a preview stores and sends nothing

    page.click("#bulk-confirm-button")
    page.wait_for_url("**/clients/")
    expect(page.locator(".alert-success, .toast-body").first).to_contain_text("2")
    assert Message.objects.filter(status="queued").count() == 2
    assert mail.outbox == []  # never sent in the request

    outbox_send_due()  # the worker
    assert sorted(m.to[0] for m in mail.outbox) == ["piotr@example.pl", "zofia@example.pl"]

    page.goto(f"/clients/{zofia.pk}/messages/")
    row = page.locator("#messages-table tr[data-message-id]")
    expect(row).to_have_count(1)
    expect(row.locator(".message-subject")).to_have_text("Zaproszenie dla Zofia")
    expect(row).to_have_attribute("data-status", "sent")
    expect(row.locator(".message-status")).to_contain_text("Wysłana")
    assert page.errors == []


def test_an_employee_sends_a_business_card_from_the_row_options(page, log_in):
    firm = ClientFactory(first_name="Kancelaria", last_name="Wójcik", email="biuro@example.pl")
    log_in()
    row = page.locator(f"{ROWS}[data-client-id='{firm.pk}']")
    row.locator("[data-row-menu]").click()
    row.locator(".dropdown-menu.show [data-menu-tab='send_vcard']").click()
    page.wait_for_url(f"**/clients/{firm.pk}/send-vcard/")
    expect(page.locator("#id_subject")).to_have_value("Wizytówka: Kancelaria Wójcik")
    page.click("#send-vcard-button")
    expect(page.locator("#send-vcard-form .invalid-feedback").first).to_be_visible()  # no recipient yet
    page.fill("#id_recipient", "partner@example.pl")
    page.click("#send-vcard-button")
    page.wait_for_url(f"**/clients/{firm.pk}/messages/")
    outbox_send_due()
    page.reload()
    row = page.locator("#messages-table tr[data-message-id]")
    expect(row).to_have_attribute("data-status", "sent")
    expect(row.locator(".message-recipient")).to_have_text("partner@example.pl")
    (sent,) = mail.outbox
    assert sent.attachments[0][2] == "text/vcard"
    assert [e for e in page.errors if "422" not in e] == []  # the refused form is a 422, on purpose
