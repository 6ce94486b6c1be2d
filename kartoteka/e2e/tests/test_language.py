"""The UI speaks Polish by default and switches to English on request."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_switching_the_language_to_english_changes_the_page_and_stays_on_the_next_one(page, log_in):
    log_in()
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.locator("#lang-select")).to_have_value("pl")

    page.select_option("#lang-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/clients/$"))
    expect(page.locator("header")).to_contain_text("Log out")

    page.goto("/clients/new/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#lang-select")).to_have_value("en")
    expect(page.locator("label[for=id_first_name]")).to_contain_text("First name")
    assert page.errors == []


def test_the_login_page_offers_english_before_logging_in(page, live_server):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("button[type=submit]").first).to_have_text("Log in")
    assert page.errors == []
