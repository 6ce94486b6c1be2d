"""Correspondence (R16, seeds 000 and 001) in a real browser: register a mail item on the client's
Poczta tab (opened from the list row's Opcje → Pokaż pocztę), hand it over to a contact person who
may collect mail, see it collected — all without a page load; and from Klienci → Archiwum the
envelope opens Korespondencja filtered to that archived client."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts.tests.factories import ContactPersonFactory
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.tests.factories import MailItemFactory

pytestmark = pytest.mark.e2e

ROWS = "#results tr[data-client-id]"
MAIL_ROWS = "tr[data-mail-id]"


def test_register_mail_and_hand_it_over_to_a_person_who_may_collect(page, log_in):
    firm = ClientFactory(first_name="Biuro", last_name="Rachunkowe")
    anna = ContactPersonFactory(client=firm, first_name="Anna", last_name="Nowak", may_collect_mail=True)
    ContactPersonFactory(client=firm, first_name="Piotr", last_name="Bez-Prawa", may_collect_mail=False)
    log_in()

    # Klienci → Lista klientów: the row's Opcje → Pokaż pocztę opens the client's Poczta tab.
    row = page.locator(f"{ROWS}[data-client-id='{firm.pk}']")
    row.locator("[data-row-menu]").click()
    row.locator(".dropdown-menu.show [data-menu-tab='mail']").click()
    page.wait_for_url(f"**/clients/{firm.pk}/mail/")
    page.evaluate("window.__ktSamePage = true")

    # Register mail: a dialog; a blank sender is refused there, then the item shows at once.
    page.click("#add-mail")
    dialog = page.locator("#mail-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#mail-save").click()
    expect(dialog.locator("#id_sender")).to_have_class("form-control is-invalid")
    dialog.locator("#id_sender").fill("Urząd Skarbowy w Krakowie")
    dialog.locator("#id_kind").select_option("registered")
    dialog.locator("#mail-save").click()
    expect(dialog).to_be_hidden()
    mail_row = page.locator(f"#mail-tab-list {MAIL_ROWS}")
    expect(mail_row).to_have_count(1)
    expect(mail_row).to_contain_text("Urząd Skarbowy w Krakowie")
    expect(mail_row).to_have_attribute("data-status", "received")

    # Wydaj: only the person who may collect is offered; hand it over.
    mail_row.locator("[data-mail-action='collect']").click()
    collect = page.locator("#mail-dialog")
    expect(collect).to_be_visible()
    expect(collect).to_contain_text("Anna Nowak")
    expect(collect).not_to_contain_text("Bez-Prawa")
    collect.locator(f"#collector-{anna.pk}").check()
    collect.locator("#collect-save").click()
    expect(collect).to_be_hidden()
    expect(mail_row).to_have_attribute("data-status", "collected")
    expect(mail_row.locator(".mail-status")).to_contain_text("Anna Nowak")
    assert page.evaluate("window.__ktSamePage === true")  # no page load on the way
    item = MailItem.objects.get()
    assert (item.status, item.collected_by_id) == ("collected", anna.pk)
    assert page.errors == []


def test_the_archives_envelope_opens_that_clients_mail(page, log_in):
    former = ClientFactory(first_name="Dawny", last_name="Klient", status="inactive", archived_at=timezone.now())
    MailItemFactory(client=former, sender="Sąd Rejonowy Gdańsk-Południe")
    MailItemFactory(sender="Poczta dla kogoś innego")
    log_in()

    page.click("#nav-archive")
    row = page.locator(f"{ROWS}[data-client-id='{former.pk}']")
    row.locator("[data-row-action='mail']").click()
    page.wait_for_url(f"**/mail/?client={former.pk}")
    rows = page.locator(f"#results {MAIL_ROWS}")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Sąd Rejonowy Gdańsk-Południe")
    expect(page.locator("#filter-client-archived")).to_be_visible()
    expect(page.locator(f"#pickup-check-{former.pk}")).to_be_visible()  # the mail desk's check is there
    assert page.errors == []
