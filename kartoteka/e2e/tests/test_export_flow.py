"""Exporting in a real browser (seed 003): pick clients, Actions → Export, choose the format and
the columns and their order with the arrows; a small export downloads at once."""

import csv
import io

import pytest
from playwright.sync_api import expect

from kartoteka.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.e2e

ROWS = "#results tr[data-client-id]"


def test_a_manager_exports_the_selected_clients_with_chosen_columns_in_chosen_order(
    page, log_in, manager, settings, tmp_path
):
    settings.KARTOTEKA_JOB_FILES_DIR = tmp_path / "job-files"
    chosen = [ClientFactory(email="zofia@example.pl"), ClientFactory(email="łukasz@example.pl")]
    ClientFactory(email="other@example.pl")
    log_in(manager)

    for client in chosen:
        page.locator(f"{ROWS}[data-client-id='{client.pk}'] .row-check").check()
    page.click("#bulk-menu")
    page.click("[data-bulk-action='export']")
    expect(page.locator("#bulk-summary")).to_contain_text("2")
    page.wait_for_load_state("load")  # the arrows' script (deferred) is in place

    page.select_option("#id_format", "csv")
    email_row = page.locator("[data-ordered-choices] li", has=page.locator("input[value='email']"))
    for _ in range(3):  # above company, name and id
        email_row.locator("[data-move='up']").click()
    expect(page.locator("[data-ordered-choices] li").first.locator("input")).to_have_value("email")
    boxes = page.locator("[data-ordered-choices] input[name='columns']")
    for value in boxes.evaluate_all("boxes => boxes.filter(b => b.checked).map(b => b.value)"):
        if value not in ("id", "email"):
            page.locator(f"[data-ordered-choices] input[value='{value}']").uncheck()

    with page.expect_download() as download_info:
        page.click("#bulk-confirm-button")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    path = download.path()
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[1:] == [[c.email, str(c.pk)] for c in chosen]
    assert len(rows[0]) == 2
    assert page.errors == []
