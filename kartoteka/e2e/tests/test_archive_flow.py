"""The archive flow of the help-centre article (seed 000), in a real browser: delete a client from
the list (it moves to the archive), find it in Clients → Archive, restore it."""

import re

import pytest
from playwright.sync_api import expect

from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.e2e

ROWS = "#results tr[data-client-id]"


@pytest.fixture
def log_in_as_manager(log_in, manager):
    return lambda: log_in(manager)


def test_a_deleted_client_waits_in_the_archive_and_comes_back(page, log_in_as_manager):
    leaving = ClientFactory(first_name="Barbara", last_name="Lis", city="Gdańsk")
    staying = ClientFactory(first_name="Cezary", last_name="Mazur")
    log_in_as_manager()

    # The red Delete icon asks first, and says the client is not deleted for good.
    row = page.locator(f"{ROWS}[data-client-id='{leaving.pk}']")
    row.locator("[data-row-action='archive']").click()
    dialog = page.locator("#client-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#archive-explanation")).to_contain_text("archiwum")
    dialog.locator("#dialog-confirm").click()

    # Gone from the client list, which still shows the others.
    page.wait_for_url("**/clients/")
    expect(page.locator(f"{ROWS}[data-client-id='{leaving.pk}']")).to_have_count(0)
    expect(page.locator(f"{ROWS}[data-client-id='{staying.pk}']")).to_have_count(1)
    leaving.refresh_from_db()
    assert leaving.is_archived
    assert leaving.status == Client.Status.INACTIVE

    # Klienci → Archiwum: there it is, inactive; the plus icon restores it.
    page.click("a[href='/clients/archive/']")
    archived_row = page.locator(f"{ROWS}[data-client-id='{leaving.pk}']")
    expect(archived_row).to_have_count(1)
    expect(page.locator(ROWS)).to_have_count(1)
    archived_row.locator("[data-row-action='restore']").click()
    expect(page.locator("#client-dialog")).to_be_visible()
    page.locator("#client-dialog #dialog-confirm").click()

    # Back on the client list, active again, with its data unchanged.
    page.goto("/clients/")
    restored_row = page.locator(f"{ROWS}[data-client-id='{leaving.pk}']")
    expect(restored_row).to_have_count(1)
    expect(restored_row).to_contain_text("Barbara Lis")
    leaving.refresh_from_db()
    assert not leaving.is_archived
    assert leaving.status == Client.Status.ACTIVE
    assert leaving.city == "Gdańsk"
    assert page.errors == []


def test_deleting_selected_clients_moves_them_all_to_the_archive(page, log_in_as_manager):
    chosen = [ClientFactory(), ClientFactory()]
    other = ClientFactory()
    log_in_as_manager()

    for client in chosen:
        page.locator(f"{ROWS}[data-client-id='{client.pk}'] .row-check").check()
    expect(page.locator("#selection-count")).to_have_text("2")
    page.click("[data-bulk-action='archive']")

    # The confirmation says what happens to how many clients; then the report.
    expect(page.locator("#bulk-summary")).to_contain_text("2")
    page.click("#bulk-confirm-button")
    page.wait_for_url(re.compile(r"/clients/"))
    assert set(Client.objects.filter(archived_at__isnull=False).values_list("pk", flat=True)) == {c.pk for c in chosen}
    expect(page.locator(f"{ROWS}[data-client-id='{other.pk}']")).to_have_count(1)
    assert page.errors == []


def test_a_rows_options_open_the_shared_menu_with_that_rows_links(page, log_in_as_manager):
    first, second = ClientFactory(first_name="Dorota"), ClientFactory(first_name="Emil")
    log_in_as_manager()
    for client in (first, second):  # the one menu is filled anew for each row
        page.locator(f"{ROWS}[data-client-id='{client.pk}'] [data-row-menu]").click()
        history = page.locator(f"{ROWS}[data-client-id='{client.pk}'] .dropdown-menu.show a[href$='/history/']")
        expect(history).to_have_attribute("href", f"/clients/{client.pk}/history/")
    history.click()
    page.wait_for_url(f"**/clients/{second.pk}/history/")
