"""A form or dialog is offered only to someone who may do what it does (GET refuses with 403)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory, NoteFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_user_without_a_role_gets_no_new_client_form(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("clients:create")).status_code == 403


def test_employee_gets_no_group_or_label_edit_page(employee_client):
    group, label = ClientGroupFactory(), LabelFactory()
    assert employee_client.get(reverse("clients:set_edit", args=["groups", group.id])).status_code == 403
    assert employee_client.get(reverse("clients:set_edit", args=["labels", label.id])).status_code == 403


def test_manager_opens_the_group_edit_page(manager_client):
    group = ClientGroupFactory()
    assert manager_client.get(reverse("clients:set_edit", args=["groups", group.id])).status_code == 200


def test_employee_sees_groups_without_edit_links_and_labels_without_the_add_form(employee_client):
    group, label = ClientGroupFactory(), LabelFactory()
    groups = employee_client.get(reverse("clients:sets", args=["groups"])).content.decode()
    assert reverse("clients:set_edit", args=["groups", group.id]) not in groups
    assert 'name="name"' in groups  # employees may add groups
    labels = employee_client.get(reverse("clients:sets", args=["labels"])).content.decode()
    assert label.name in labels
    assert 'name="name"' not in labels


def test_employee_gets_no_archive_or_delete_dialog(employee_client):
    live = ClientFactory()
    old = ClientFactory(status="inactive", archived_at=timezone.now())
    assert employee_client.get(reverse("bulk:client_archive", args=[live.id])).status_code == 403
    assert employee_client.get(reverse("bulk:client_restore", args=[old.id])).status_code == 403
    assert employee_client.get(reverse("bulk:client_delete", args=[old.id])).status_code == 403


def test_manager_gets_no_permanent_delete_dialog(manager_client):
    old = ClientFactory(status="inactive", archived_at=timezone.now())
    assert manager_client.get(reverse("bulk:client_delete", args=[old.id])).status_code == 403


def test_employee_gets_no_edit_form_for_a_colleagues_note(employee_client, manager):
    note = NoteFactory(author=manager)
    url = reverse("clients:note_edit", args=[note.client_id, note.id])
    assert employee_client.get(url).status_code == 403


def test_author_edits_their_own_note(employee_client, employee):
    note = NoteFactory(author=employee)
    assert employee_client.get(reverse("clients:note_edit", args=[note.client_id, note.id])).status_code == 200


def test_note_of_an_archived_client_offers_no_edit_form(manager_client, manager):
    note = NoteFactory(author=manager, client=ClientFactory(status="inactive", archived_at=timezone.now()))
    response = manager_client.get(reverse("clients:note_edit", args=[note.client_id, note.id]), follow=True)
    assert "Restore it before changing it" in response.content.decode()
