"""Seed 001 (the help-centre article on contact persons), in a real browser: from the client list
row's Options → Show contact persons, add a person in the dialog, see it in the list at once (no
page load) with its flag icons, edit it, remove it; then ask the mail desk's check."""

import pytest
from playwright.sync_api import expect

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts.models import ContactPerson

pytestmark = pytest.mark.e2e

ROWS = "#results tr[data-client-id]"
CONTACT_ROWS = "#contact-list tr[data-contact-id]"


def _same_page(page) -> bool:
    """True while no page load happened since `_mark_page` (an htmx swap keeps the window)."""
    return bool(page.evaluate("window.__ktSamePage === true"))


def _mark_page(page) -> None:
    page.evaluate("window.__ktSamePage = true")


def test_an_employee_adds_edits_and_removes_a_contact_person_without_a_reload(page, log_in):
    firm = ClientFactory(first_name="Biuro", last_name="Rachunkowe")
    log_in()

    # Klienci → Lista klientów: the row's Opcje → Pokaż osoby kontaktowe opens the client's tab.
    row = page.locator(f"{ROWS}[data-client-id='{firm.pk}']")
    row.locator("[data-row-menu]").click()
    row.locator(".dropdown-menu.show [data-menu-tab='contacts']").click()
    page.wait_for_url(f"**/clients/{firm.pk}/contacts/")
    expect(page.locator("a[data-tab='contacts']")).to_have_attribute("aria-current", "page")
    _mark_page(page)

    # Dodaj osobę kontaktową opens a dialog; a bad phone is refused in the dialog, nothing saved.
    page.click("#add-contact")
    dialog = page.locator("#contact-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#id_first_name").fill("Grażyna")
    dialog.locator("#id_last_name").fill("Wróblewska")
    dialog.locator("#id_email").fill("g.wroblewska@example.pl")
    dialog.locator("#id_phone").fill("12")
    dialog.locator("#id_may_collect_mail").check()
    dialog.locator("#id_additional_info").fill("Odbiera pocztę we wtorki.")
    dialog.locator("#contact-save").click()
    expect(dialog.locator("#id_phone")).to_have_class("form-control is-invalid")
    assert not ContactPerson.objects.exists()

    # Zapisz: the dialog closes and the person is in the list at once, with the flag icons.
    dialog.locator("#id_phone").fill("512 345 678")
    dialog.locator("#contact-save").click()
    expect(dialog).to_be_hidden()
    person = ContactPerson.objects.get()
    contact_row = page.locator(f"{CONTACT_ROWS}[data-contact-id='{person.pk}']")
    expect(contact_row).to_contain_text("Grażyna Wróblewska")
    expect(contact_row).to_contain_text("512 345 678")
    expect(contact_row.locator("[data-flag='is_contact_person']")).to_be_visible()
    expect(contact_row.locator("[data-flag='may_collect_mail']")).to_be_visible()
    expect(contact_row.locator("[data-flag='may_represent']")).to_have_count(0)
    assert _same_page(page)

    # Edit the same way: may represent the client from now on, under a position.
    contact_row.locator("[data-contact-action='edit']").click()
    expect(dialog).to_be_visible()
    expect(dialog.locator("#id_first_name")).to_have_value("Grażyna")
    dialog.locator("#id_position").fill("Prokurent")
    dialog.locator("#id_may_represent").check()
    dialog.locator("#contact-save").click()
    expect(dialog).to_be_hidden()
    expect(contact_row).to_contain_text("Prokurent")
    expect(contact_row.locator("[data-flag='may_represent']")).to_be_visible()
    person.refresh_from_db()
    assert person.position == "Prokurent"
    assert person.may_represent
    assert _same_page(page)

    # The mail desk's check on the same page: the name typed any which way.
    page.fill(f"#pickup-name-{firm.pk}", "wroblewska  GRAZYNA")
    page.click("[data-pickup-check]")
    expect(page.locator(".pickup-answer")).to_have_attribute("data-result", "allowed")
    page.fill(f"#pickup-name-{firm.pk}", "Jan Wróblewski")
    page.click("[data-pickup-check]")
    expect(page.locator(".pickup-answer")).to_have_attribute("data-result", "unknown")

    # Remove, confirmed in a dialog: gone from the list, still without a reload.
    contact_row.locator("[data-contact-action='delete']").click()
    expect(dialog).to_be_visible()
    dialog.locator("#contact-remove").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(CONTACT_ROWS)).to_have_count(0)
    assert not ContactPerson.objects.exists()
    assert _same_page(page)
    assert page.errors == []

    # The client list's search now finds the client by its former contact's phone no more.
    page.goto("/clients/?q=512345678")
    expect(page.locator(ROWS)).to_have_count(0)
