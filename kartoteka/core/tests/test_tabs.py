"""The client page shows the tabs that apps register, only those the user may see, with badges."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from kartoteka.accounts.models import User
from kartoteka.clients.tests.factories import ClientFactory, NoteFactory
from kartoteka.core import tabs
from kartoteka.core.tabs import ClientTab, register_client_tab


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _tab_keys(response):
    return re.findall(r'data-tab="([^"]+)"', response.content.decode())


def _user_with(*perms):
    user = User.objects.create_user(username="limited", password="x")
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def test_client_page_shows_its_tabs_in_order_with_the_note_count(employee_client, employee):
    client = ClientFactory()
    NoteFactory.create_batch(2, client=client)
    response = employee_client.get(reverse("clients:detail", args=[client.id]))
    keys = _tab_keys(response)
    assert keys == [tab.key for tab in tabs.client_tabs(actor=employee)]  # other apps' tabs too
    assert (keys[0], keys[-1]) == ("client", "history")
    assert keys.index("notes") > 0
    notes_link = re.search(r'data-tab="notes".*?</a>', response.content.decode())
    assert notes_link is not None
    assert ">2</span>" in notes_link.group(0)


def test_user_without_the_audit_permission_sees_no_history_and_cannot_open_it(client, db):
    user = _user_with("clients.view_client", "clients.view_note")
    client.force_login(user)
    customer = ClientFactory()
    response = client.get(reverse("clients:detail", args=[customer.id]))
    assert _tab_keys(response) == ["client", "notes"]  # no other app's tab either: no permission for it
    assert reverse("clients:history", args=[customer.id]) not in response.content.decode()
    assert client.get(reverse("clients:history", args=[customer.id])).status_code == 403


def test_user_without_the_note_permission_sees_no_notes_tab(client, db):
    client.force_login(_user_with("clients.view_client", "audit.view_auditevent"))
    customer = ClientFactory()
    assert _tab_keys(client.get(reverse("clients:detail", args=[customer.id]))) == ["client", "history"]
    assert client.get(reverse("clients:notes", args=[customer.id])).status_code == 403


def test_a_tab_registered_by_another_app_appears_without_template_changes(employee_client, monkeypatch):
    extra = ClientTab(
        key="example",
        label="Example tab",
        url_name="clients:notes",
        template="clients/tabs/notes.html",
        permission="clients.view_client",
        order=999,
        badge=lambda actor, client: 7,
    )
    hidden = ClientTab(
        key="secret",
        label="Secret",
        url_name="clients:notes",
        template="clients/tabs/notes.html",
        permission="clients.delete_client",  # employees do not hold it
        order=30,
    )
    monkeypatch.setattr(tabs, "_TABS", dict(tabs._TABS))
    register_client_tab(extra)
    register_client_tab(hidden)
    client = ClientFactory()
    response = employee_client.get(reverse("clients:detail", args=[client.id]))
    assert _tab_keys(response)[-2:] == ["example", "history"]
    assert "secret" not in _tab_keys(response)
    page = response.content.decode()
    assert "Example tab" in page
    assert ">7</span>" in page


def test_registering_another_tab_under_a_taken_key_is_refused(monkeypatch):
    monkeypatch.setattr(tabs, "_TABS", dict(tabs._TABS))
    with pytest.raises(ValueError, match="registered twice"):
        register_client_tab(ClientTab("notes", "Other", "clients:notes", "x.html", "clients.view_client"))


def test_htmx_tab_switch_gets_only_the_tab_content(employee_client):
    client = ClientFactory()
    NoteFactory(client=client, text="Treść notatki")
    response = employee_client.get(reverse("clients:notes", args=[client.id]), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Treść notatki" in page
    assert "nav-tabs" not in page
    assert "<html" not in page


def test_client_page_costs_a_bounded_number_of_queries(employee_client, django_assert_max_num_queries, monkeypatch):
    client = ClientFactory()
    NoteFactory.create_batch(5, client=client)
    url = reverse("clients:detail", args=[client.id])
    employee_client.get(url)  # warm the permission cache of the session's user
    other_apps_badges = sum(1 for t in tabs._TABS.values() if t.badge and not t.url_name.startswith("clients:"))
    # a badge costs one query; the custom attributes' section one (no attribute defined here)
    with django_assert_max_num_queries(10 + other_apps_badges) as base:
        employee_client.get(url)
    monkeypatch.setattr(tabs, "_TABS", dict(tabs._TABS))
    for n in range(3):
        register_client_tab(
            ClientTab(f"extra{n}", f"Extra {n}", "clients:notes", "x.html", "clients.view_client",
                      badge=lambda actor, c: c.notes.count())
        )  # fmt: skip
    with django_assert_max_num_queries(len(base.captured_queries) + 3):  # one per badge, not per row
        employee_client.get(url)


def test_list_rows_link_history_and_edit_only_for_those_who_may_use_them(client, db):
    client.force_login(_user_with("clients.view_client", "clients.view_clientgroup", "clients.view_label"))
    customer = ClientFactory()
    page = client.get(reverse("clients:list")).content.decode()
    assert f'data-client-id="{customer.id}"' in page
    assert 'data-menu-tab="history"' not in page  # the shared Options menu
    assert 'data-menu-tab="notes"' not in page
    assert reverse("clients:edit", args=[customer.id]) not in page
    detail = client.get(reverse("clients:detail", args=[customer.id])).content.decode()
    assert reverse("clients:edit", args=[customer.id]) not in detail


def test_list_rows_link_history_for_employees(employee_client):
    customer = ClientFactory()
    page = employee_client.get(reverse("clients:list")).content.decode()
    assert 'data-menu-tab="history"' in page
    assert reverse("clients:edit", args=[customer.id]) in page
