"""Cases in a real browser (R4.2, seed 002): open a client, its Sprawy tab, add a case, sort the
tab by title, close the case, and find it on the Sprawy page filtered to closed cases."""

import pytest
from playwright.sync_api import expect

from kartoteka.cases.models import Case
from kartoteka.cases.tests.factories import CaseFactory
from kartoteka.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.e2e

ROWS = "tr[data-case-id]"


def test_add_sort_close_and_find_a_case(page, log_in):
    client = ClientFactory(first_name="Halina", last_name="Wrona")
    CaseFactory(client=client, title="Zażalenie")
    CaseFactory(title="Cudza sprawa")  # another client's: not on this client's tab
    log_in()

    # Klienci → the client → its Sprawy tab
    page.click(f"tr[data-client-id='{client.pk}'] a[href='/clients/{client.pk}/']")
    expect(page.locator("[data-fact='open_cases']")).to_contain_text("1")
    page.click("a[data-tab='cases']")
    expect(page.locator(ROWS)).to_have_count(1)

    # Add a case
    page.click("#add-case")
    page.fill("#id_title", "Apelacja")
    page.fill("#id_description", "Termin 14 dni.")
    page.click("#case-save")
    page.wait_for_url(f"**/clients/{client.pk}/cases/")
    expect(page.locator(ROWS)).to_have_count(2)
    new = Case.objects.get(title="Apelacja")
    assert new.client == client
    assert new.status == Case.Status.OPEN

    # Sort by title: Apelacja before Zażalenie (newest-first put it on top already; sort the other way first)
    header = page.locator("#case-tab thead a[href*='sort=title']")
    header.click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?sort=title")
    expect(page.locator(f"{ROWS} .case-title")).to_have_text(["Apelacja", "Zażalenie"])
    page.locator("#case-tab thead a[href*='sort=-title']").click()
    expect(page.locator(f"{ROWS} .case-title")).to_have_text(["Zażalenie", "Apelacja"])

    # Close it, from the tab; we come back to the same sorted tab
    page.locator(f"{ROWS}[data-case-id='{new.pk}'] [data-case-action='close']").click()
    page.wait_for_url("**sort=-title")
    expect(page.locator(f"{ROWS}[data-case-id='{new.pk}'] [data-case-action='reopen']")).to_be_visible()
    new.refresh_from_db()
    assert new.status == Case.Status.CLOSED
    assert new.closed_at is not None

    # The Sprawy page in the left menu, filtered to closed cases
    page.click("#nav-cases")
    page.wait_for_url("**/cases/")
    expect(page.locator(ROWS)).to_have_count(3)
    page.select_option("#id_status", "closed")
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(f"{ROWS}[data-case-id='{new.pk}']")).to_contain_text("Halina Wrona")
    expect(page).to_have_url(f"{page.url.split('?')[0]}?status=closed")
    assert page.errors == []
