"""The archive flow in the browser's terms: row icons, dialogs, the bulk bar and the archive view."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory
from kartoteka.jobs.models import Job


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"  # the assertions read the English texts


def archived(**kwargs):
    return ClientFactory(status="inactive", archived_at=timezone.now(), **kwargs)


def html(response):
    return response.content.decode()


def test_client_list_row_has_a_delete_icon_that_opens_a_reassuring_dialog(manager_client):
    client = ClientFactory()
    page = html(manager_client.get(reverse("clients:list")))
    assert reverse("bulk:client_archive", args=[client.id]) in page
    dialog = manager_client.get(reverse("bulk:client_archive", args=[client.id]), headers={"HX-Request": "true"})
    text = html(dialog)
    assert 'class="modal' in text
    assert "not deleted for good" in text
    assert "portal users will not be able to log in" in text


def test_employee_sees_no_delete_icon_and_cannot_archive(employee_client):
    client = ClientFactory()
    assert reverse("bulk:client_archive", args=[client.id]) not in html(employee_client.get(reverse("clients:list")))
    assert employee_client.post(reverse("bulk:client_archive", args=[client.id])).status_code == 403
    client.refresh_from_db()
    assert client.archived_at is None


def test_deleting_from_the_list_moves_the_client_to_the_archive_and_restoring_brings_it_back(manager_client):
    client = ClientFactory(last_name="Archiwalny")
    response = manager_client.post(reverse("bulk:client_archive", args=[client.id]))
    assert response.status_code == 302
    row = f'data-client-id="{client.id}"'
    assert row not in html(manager_client.get(reverse("clients:list")))
    archive = html(manager_client.get(reverse("clients:archive")))
    assert row in archive
    assert reverse("bulk:client_restore", args=[client.id]) in archive
    assert f"{reverse('mailroom:list')}?client={client.id}" in archive  # the envelope: that client's mail
    assert reverse("bulk:client_delete", args=[client.id]) not in archive  # a manager may not delete for good

    manager_client.post(reverse("bulk:client_restore", args=[client.id]))
    client.refresh_from_db()
    assert (client.status, client.archived_at) == ("active", None)
    assert row in html(manager_client.get(reverse("clients:list")))


def test_archive_view_searches_and_filters_like_the_list(manager_client):
    archived(last_name="Zielińska")
    archived(last_name="Malinowski")
    ClientFactory(last_name="Zielonka")
    page = html(manager_client.get(reverse("clients:archive"), {"q": "zielin"}))
    assert "Zielińska" in page
    assert "Malinowski" not in page
    assert "Zielonka" not in page
    partial = manager_client.get(reverse("clients:archive"), headers={"HX-Request": "true"})
    assert "<html" not in html(partial)


def _edit_form_data(response, **changes):
    """What the browser would post back from the edit form: its initial values, with changes."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = "" if value is None else value
    return {**data, **changes}


def test_archived_client_preview_is_read_only(manager_client):
    client = archived(email="stary@example.pl")
    page = html(manager_client.get(reverse("clients:detail", args=[client.id])))
    assert reverse("clients:edit", args=[client.id]) not in page
    url = reverse("clients:edit", args=[client.id])
    refused = manager_client.get(url, follow=True)  # no edit form for what cannot be saved
    assert refused.redirect_chain[-1][0] == reverse("clients:detail", args=[client.id])
    assert "Restore it before changing it" in html(refused)
    # A complete, valid form (taken while the client was still active) is refused too.
    archived_at = client.archived_at
    Client.objects.filter(pk=client.pk).update(archived_at=None)
    data = _edit_form_data(manager_client.get(url), first_name="Nowe")
    Client.objects.filter(pk=client.pk).update(archived_at=archived_at)
    response = manager_client.post(url, data, follow=True)
    client.refresh_from_db()
    assert client.first_name != "Nowe"
    assert "Restore it before changing it" in html(response)


def test_administrator_deletes_permanently_after_typing_the_number(admin_client_):
    client = archived()
    url = reverse("bulk:client_delete", args=[client.id])
    assert 'name="confirm_count"' in html(admin_client_.get(url))
    admin_client_.post(url, {"confirm_count": "2"})
    assert Client.objects.filter(pk=client.pk).exists()
    admin_client_.post(url, {"confirm_count": "1"})
    assert not Client.objects.filter(pk=client.pk).exists()


def test_manager_cannot_delete_permanently(manager_client):
    client = archived()
    assert (
        manager_client.post(reverse("bulk:client_delete", args=[client.id]), {"confirm_count": "1"}).status_code == 403
    )
    assert Client.objects.filter(pk=client.pk).exists()


# --- the bulk bar ----------------------------------------------------------------------


def test_bulk_bar_is_generated_from_the_registry_for_the_users_role(client, manager, administrator):
    ClientFactory()
    archived()
    manager_client = client
    manager_client.force_login(manager)
    bar = html(manager_client.get(reverse("clients:list")))
    assert 'data-bulk-action="archive"' in bar
    assert 'data-bulk-action="group_add"' in bar
    assert 'data-bulk-action="restore"' not in bar
    assert 'data-bulk-action="delete"' not in html(manager_client.get(reverse("clients:archive")))
    client.force_login(administrator)
    archive = html(client.get(reverse("clients:archive")))
    assert 'data-bulk-action="restore"' in archive
    assert 'data-bulk-action="delete"' in archive


def test_delete_selected_asks_first_then_moves_the_ticked_clients_to_the_archive(manager_client):
    a, b, _c = ClientFactory.create_batch(3)
    url = reverse("bulk:run", args=["archive"])
    confirm = manager_client.post(url, {"list": "clients", "mode": "ids", "ids": [a.id, b.id]})
    assert confirm.status_code == 200
    assert "2 clients will be moved to the archive" in html(confirm)
    assert Client.objects.filter(archived_at__isnull=False).count() == 0

    done = manager_client.post(url, {"list": "clients", "mode": "ids", "ids": [a.id, b.id], "step": "confirm"})
    assert done.status_code == 302
    assert set(Client.objects.filter(archived_at__isnull=False).values_list("id", flat=True)) == {a.id, b.id}
    messages = html(manager_client.get(done["Location"]))
    assert "2 clients moved to the archive" in messages


def test_select_all_matching_uses_the_lists_filter(manager_client):
    group = ClientGroupFactory()
    members = ClientFactory.create_batch(3, groups=[group])
    ClientFactory()
    post = {"list": "clients", "mode": "filter", "filter": f"group={group.id}", "ids": [members[0].id]}
    confirm = manager_client.post(reverse("bulk:run", args=["archive"]), post)
    assert "3 clients will be moved" in html(confirm)
    manager_client.post(reverse("bulk:run", args=["archive"]), {**post, "step": "confirm"})
    assert set(Client.objects.filter(archived_at__isnull=False).values_list("id", flat=True)) == {m.id for m in members}


def test_an_action_with_a_parameter_asks_for_it(manager_client):
    client = ClientFactory()
    group = ClientGroupFactory(name="VIP")
    url = reverse("bulk:run", args=["group_add"])
    post = {"list": "clients", "mode": "ids", "ids": [client.id]}
    assert "VIP" in html(manager_client.post(url, post))
    missing = manager_client.post(url, {**post, "step": "confirm"})
    assert missing.status_code == 200
    assert "is-invalid" in html(missing)
    manager_client.post(url, {**post, "step": "confirm", "group": group.id})
    assert list(client.groups.all()) == [group]


def test_permanent_bulk_delete_is_confirmed_twice_the_second_time_by_typing_the_count(admin_client_):
    old = [archived(), archived()]
    url = reverse("bulk:run", args=["delete"])
    post = {"list": "archive", "mode": "ids", "ids": [c.id for c in old]}
    first = admin_client_.post(url, post)
    assert "2 clients will be deleted permanently" in html(first)
    second = admin_client_.post(url, {**post, "step": "confirm"})
    assert 'name="confirm_count"' in html(second)
    assert Client.objects.count() == 2
    wrong = admin_client_.post(url, {**post, "step": "run", "confirm_count": "3"})
    assert wrong.status_code == 200
    assert Client.objects.count() == 2
    admin_client_.post(url, {**post, "step": "run", "confirm_count": "2"})
    assert Client.objects.count() == 0


def test_restore_selected_clients_from_the_archive(manager_client):
    old = [archived(), archived()]
    post = {"list": "archive", "mode": "ids", "ids": [c.id for c in old], "step": "confirm"}
    manager_client.post(reverse("bulk:run", args=["restore"]), post)
    assert not Client.objects.filter(archived_at__isnull=False).exists()


def test_a_large_selection_goes_to_the_job_page(manager_client, settings):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    ClientFactory.create_batch(3)
    post = {"list": "clients", "mode": "filter", "filter": "", "step": "confirm"}
    response = manager_client.post(reverse("bulk:run", args=["set_status"]), {**post, "status": "inactive"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.total == 3


@pytest.mark.parametrize("action", ["archive", "restore", "delete", "group_add", "nonexistent"])
def test_an_employee_gets_403_for_bulk_actions(employee_client, action):
    client = ClientFactory()
    response = employee_client.post(reverse("bulk:run", args=[action]), {"mode": "ids", "ids": [client.id]})
    assert response.status_code in (403, 404)


def test_select_all_matching_works_on_a_list_with_a_page_size(manager_client):
    group = ClientGroupFactory()
    members = ClientFactory.create_batch(3, groups=[group])
    ClientFactory()
    listing = manager_client.get(reverse("clients:list") + f"?group={group.id}&limit=2&sort=email")
    hidden_filter = listing.context["filter_query"]
    assert "limit" not in hidden_filter
    assert f'name="filter" value="{hidden_filter.replace("&", "&amp;")}"' in html(listing)
    assert all("limit=2" in h.url for h in listing.context["columns"] if h.url)
    assert all("limit=2" in chip["remove_url"] for chip in listing.context["chips"])
    post = {"list": "clients", "mode": "filter", "filter": hidden_filter, "step": "confirm"}
    manager_client.post(reverse("bulk:run", args=["archive"]), post)
    assert set(Client.objects.filter(archived_at__isnull=False).values_list("id", flat=True)) == {m.id for m in members}
