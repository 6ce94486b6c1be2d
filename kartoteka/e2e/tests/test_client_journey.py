"""A staff member's day with one new client, in a real browser: add, correct, find, filter, read its history."""

import re

import pytest
from playwright.sync_api import expect

from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.e2e

SAVE = "#client-form button[type=submit]:not([name])"
ROWS = "#results tr[data-client-id]"


def test_an_employee_adds_a_client_finds_it_by_city_and_group_and_reads_its_history(page, log_in):
    neighbour = ClientFactory(first_name="Adam", last_name="Nowak", city="Łódź")
    ClientFactory(first_name="Ewa", last_name="Zielińska", city="Kraków")
    employee = log_in()

    # A new client, with a group made on the spot through the "+" beside Groups.
    page.click("a[href='/clients/new/']")
    page.fill("#id_first_name", "Zofia")
    page.fill("#id_last_name", "Wiśniewska")
    page.fill("#id_email", "zofia.wisniewska@example.pl")
    page.fill("#id_city", "Łódź")
    page.click("button[aria-controls='new-group']")
    page.fill("#id_new_group_name", "Hurtownie")
    page.click("#create-group")
    expect(page.locator("#id_groups option:checked")).to_have_text("Hurtownie")

    # A NIP with a wrong check digit: a message on the NIP field, and nothing saved.
    page.fill("#id_nip", "525-000-58-35")
    page.click(SAVE)
    expect(page.locator("#id_nip")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_nip ~ .invalid-feedback")).to_contain_text("NIP")
    assert not Client.objects.filter(email="zofia.wisniewska@example.pl").exists()
    expect(page.locator("#id_groups option:checked")).to_have_text("Hurtownie")  # the choice survives the error

    page.fill("#id_nip", "525-000-58-34")
    page.click(SAVE)
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    zofia = Client.objects.get(email="zofia.wisniewska@example.pl")
    assert zofia.nip == "5250005834"
    assert [g.name for g in zofia.groups.all()] == ["Hurtownie"]

    # Found by its city typed without Polish letters; the list updates as one types.
    page.goto("/clients/")
    expect(page.locator(ROWS)).to_have_count(3)
    page.locator("#id_q").press_sequentially("lodz")
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page).to_have_url(re.compile(r"[?&]q=lodz"))
    ids = {int(i) for i in page.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.clientId)")}
    assert ids == {zofia.pk, neighbour.pk}

    # Narrowed by group: only Zofia is left, and the filter is in the URL.
    page.select_option("#id_group", label="Hurtownie")
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(ROWS)).to_have_attribute("data-client-id", str(zofia.pk))
    expect(page).to_have_url(re.compile(rf"[?&]group={zofia.groups.get().pk}\b"))

    # A change, then the History tab shows both the creation and the change (old → new).
    page.click(f"{ROWS} a[href='/clients/{zofia.pk}/']")
    page.click(f"a[href='/clients/{zofia.pk}/edit/']")
    page.fill("#id_street", "Piotrkowska 104")
    page.click(SAVE)
    page.wait_for_url(f"**/clients/{zofia.pk}/")
    page.click(f"a[href='/clients/{zofia.pk}/history/']")
    events = page.locator("table tbody tr")
    expect(events).to_have_count(2)
    change, creation = events.nth(0), events.nth(1)
    expect(change.locator(".history-change")).to_contain_text("Piotrkowska 104")
    expect(change.locator(".history-change ins")).to_have_text(["Piotrkowska 104"])
    expect(creation.locator(".history-change")).to_contain_text("Łódź")
    expect(creation.locator(".history-change")).to_contain_text("5250005834")
    expect(creation.locator(".history-change")).not_to_contain_text("company_name")  # left empty: not a change
    for row in (change, creation):
        expect(row).to_contain_text(str(employee))
    assert page.errors == []
