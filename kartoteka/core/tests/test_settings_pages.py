"""Settings: apps declare their pages; the menu and /settings/ show those the user may open."""

import pytest

from kartoteka.core import settings_pages as registry
from kartoteka.core.settings_pages import SettingsPage, register_settings_page


@pytest.fixture
def managers_page():
    page = register_settings_page(
        SettingsPage(
            key="test-page",
            label="Ceny testowe",
            description="Opis strony testowej",
            url_name="clients:sets",  # any page will do; reversed without arguments below
            permission="clients.change_label",  # managers and administrators hold it
        )
    )
    yield page
    registry._PAGES.pop(page.key)


def test_a_user_who_may_open_a_page_sees_settings_in_the_menu_and_the_page_listed(
    manager_client, managers_page, monkeypatch
):
    monkeypatch.setattr(SettingsPage, "url", property(lambda page: "/clients/labels/"))
    menu = manager_client.get("/clients/").content.decode()
    assert 'id="nav-settings"' in menu
    page = manager_client.get("/settings/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ceny testowe" in body
    assert "Opis strony testowej" in body
    assert 'href="/clients/labels/"' in body


def test_a_user_who_may_open_no_page_sees_no_settings_and_is_refused(employee_client, managers_page):
    assert 'id="nav-settings"' not in employee_client.get("/clients/").content.decode()
    assert employee_client.get("/settings/").status_code == 403


def test_registering_a_different_page_under_a_taken_key_is_an_error(managers_page):
    with pytest.raises(ValueError, match="registered twice"):
        register_settings_page(SettingsPage(key="test-page", label="x", url_name="x", permission="x.y"))
