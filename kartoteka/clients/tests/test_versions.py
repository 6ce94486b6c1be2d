"""Client.version: every write raises it; a stale edit is refused, in the web form and the API."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.bulk.services import bulk_run, selection_from
from kartoteka.clients import services
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory
from kartoteka.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
JSON = "application/json"


def version_of(client):
    return Client.objects.values_list("version", flat=True).get(pk=client.pk)


def bulk(actor, action, ids, **params):
    list_name = "archive" if action == "restore" else "clients"
    selection = selection_from(list_name=list_name, ids=ids)
    return bulk_run(actor=actor, action_name=action, list_name=list_name, selection=selection, params=params)


# --- every write raises the version ----------------------------------------------------


def test_an_edit_raises_the_version_and_an_edit_that_changes_nothing_does_not(employee):
    client = ClientFactory()
    services.client_update(actor=employee, client=client, data={"city": "Gdańsk"})
    assert version_of(client) == 2
    services.client_update(actor=employee, client=client, data={"city": "Gdańsk"})
    assert version_of(client) == 2


@pytest.mark.parametrize(
    ("action", "params"),
    [("archive", {}), ("set_status", {"status": "inactive"}), ("group_add", None), ("group_remove", None)],
)
def test_every_bulk_action_that_changes_clients_raises_their_version(manager, action, params):
    group = ClientGroupFactory()
    member = action == "group_remove"
    clients = [ClientFactory(groups=[group] if member else []) for _ in range(3)]
    untouched = ClientFactory()
    bulk(manager, action, [c.pk for c in clients], **(params if params is not None else {"group": group.pk}))
    assert [version_of(c) for c in clients] == [2, 2, 2]
    assert version_of(untouched) == 1


def test_restore_and_a_status_change_raise_the_version(manager):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    bulk(manager, "restore", [client.pk])
    assert version_of(client) == 2
    services.client_set_status(actor=manager, client=Client.objects.get(pk=client.pk), status="inactive")
    assert version_of(client) == 3


# --- the service -----------------------------------------------------------------------


def test_an_edit_from_an_older_version_is_refused_with_what_changed_meanwhile(employee):
    client = ClientFactory(city="Kraków")
    started_from = services.client_snapshot(client)
    services.client_update(actor=employee, client=client, data={"city": "Gdańsk"})
    with pytest.raises(services.StaleEdit) as caught:
        services.client_update(actor=employee, client=client, data={"street": "Długa 1"}, expected_version=1)
    assert caught.value.changed_since(started_from) == {"city": "Gdańsk"}
    assert Client.objects.get(pk=client.pk).street == ""


def test_an_edit_never_writes_status_or_the_archive(employee, manager):
    client = ClientFactory()
    stale = Client.objects.get(pk=client.pk)  # read before the archive
    bulk(manager, "archive", [client.pk])
    with pytest.raises(services.StaleEdit):
        services.client_update(actor=employee, client=stale, data={"city": "Gdańsk"}, expected_version=1)
    with pytest.raises(ApplicationError):  # without a version: refused as archived, not un-archived
        services.client_update(actor=employee, client=stale, data={"city": "Gdańsk"})
    client.refresh_from_db()
    assert client.is_archived
    assert client.city == "Warszawa"


# --- the web form ----------------------------------------------------------------------


def _form_post(page_context, **changes):
    form = page_context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name not in ("groups", "labels")}
    data["groups"] = [g.pk for g in form.initial["groups"]]
    data["labels"] = [lab.pk for lab in form.initial["labels"]]
    return {**data, **changes}


def test_a_form_opened_before_someone_elses_change_shows_what_changed_and_keeps_the_users_values(
    employee_client, employee, settings
):
    settings.LANGUAGE_CODE = "en"
    client = ClientFactory(city="Kraków")
    url = reverse("clients:edit", args=[client.pk])
    opened = employee_client.get(url)
    services.client_update(actor=employee, client=client, data={"city": "Gdańsk"})  # someone else

    refused = employee_client.post(url, _form_post(opened.context, street="Długa 1"))

    assert refused.status_code == 200
    text = refused.content.decode()
    assert "changed this client meanwhile" in text
    assert "Gdańsk" in text  # their value
    assert 'value="Długa 1"' in text  # the user's value is still in the form
    assert Client.objects.get(pk=client.pk).street == ""
    # The form now starts from the current version: saving again applies the user's values.
    again = employee_client.post(url, _form_post(refused.context, street="Długa 1"))
    assert again.status_code == 302
    saved = Client.objects.get(pk=client.pk)
    assert (saved.street, saved.city) == ("Długa 1", "Kraków")  # the user re-applied every field shown


def test_a_form_opened_before_a_bulk_archive_does_not_undo_it(employee_client, manager, settings):
    settings.LANGUAGE_CODE = "en"
    client = ClientFactory()
    url = reverse("clients:edit", args=[client.pk])
    opened = employee_client.get(url)
    bulk(manager, "archive", [client.pk])
    refused = employee_client.post(url, _form_post(opened.context, city="Gdańsk"))
    assert "moved to the archive meanwhile" in refused.content.decode()
    client.refresh_from_db()
    assert client.is_archived
    assert client.city == "Warszawa"


def test_the_form_carries_the_version_it_was_opened_at(employee_client):
    client = ClientFactory()
    page = employee_client.get(reverse("clients:edit", args=[client.pk]))
    assert page.context["form"]["version"].value() == 1
    assert json.loads(page.context["form"]["original"].value())["first_name"] == client.first_name


# --- the API: ETag and If-Match ---------------------------------------------------------


@pytest.fixture
def api(employee):
    return token_client(employee)


def test_get_answers_with_the_version_as_a_strong_etag(api):
    client = ClientFactory()
    response = api.get(f"/api/clients/{client.pk}")
    assert response["ETag"] == f'"{client.pk}-1"'
    assert response.json()["version"] == 1


def test_patch_with_the_current_etag_succeeds_and_returns_the_new_one(api):
    client = ClientFactory()
    etag = api.get(f"/api/clients/{client.pk}")["ETag"]
    response = api.patch(f"/api/clients/{client.pk}", {"city": "Gdańsk"}, content_type=JSON, headers={"If-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] == f'"{client.pk}-2"'


@pytest.mark.parametrize("method", ["patch", "put"])
def test_a_stale_if_match_gets_412_and_changes_nothing(api, employee, method):
    client = ClientFactory()
    etag = api.get(f"/api/clients/{client.pk}")["ETag"]
    services.client_update(actor=employee, client=client, data={"city": "Gdańsk"})
    body = {"first_name": "Ewa", "email": "ewa@example.pl"}
    response = getattr(api, method)(f"/api/clients/{client.pk}", body, content_type=JSON, headers={"If-Match": etag})
    assert response.status_code == 412
    assert response["ETag"] == f'"{client.pk}-2"'
    assert Client.objects.get(pk=client.pk).first_name == client.first_name


@pytest.mark.parametrize("tag", ['W/"{id}-1"', '"{other}-1"', "garbage", '"{id}-99999999999999999999999"'])
def test_an_if_match_that_cannot_match_gets_412(api, tag):
    client, other = ClientFactory(), ClientFactory()
    header = tag.format(id=client.pk, other=other.pk)
    response = api.patch(f"/api/clients/{client.pk}", {"city": "X"}, content_type=JSON, headers={"If-Match": header})
    assert response.status_code == 412


def test_if_match_star_or_a_list_with_the_current_tag_succeeds(api):
    client = ClientFactory()
    for city, header in (("Y", "*"), ("Z", f'"{client.pk}-7", "{client.pk}-2"')):
        response = api.patch(
            f"/api/clients/{client.pk}", {"city": city}, content_type=JSON, headers={"If-Match": header}
        )
        assert response.status_code == 200
    assert version_of(client) == 3


def test_a_patch_without_if_match_keeps_a_change_made_meanwhile_to_another_field(api, employee):
    client = ClientFactory()
    services.client_update(actor=employee, client=client, data={"street": "Długa 1"})  # after the client's read
    response = api.patch(f"/api/clients/{client.pk}", {"city": "Gdańsk"}, content_type=JSON)
    assert response.status_code == 200
    saved = Client.objects.get(pk=client.pk)
    assert (saved.street, saved.city) == ("Długa 1", "Gdańsk")


def test_a_patch_never_un_archives_a_client(api, manager):
    client = ClientFactory()
    bulk(manager, "archive", [client.pk])
    response = api.patch(f"/api/clients/{client.pk}", {"city": "Gdańsk"}, content_type=JSON)
    assert response.status_code == 409
    assert Client.objects.get(pk=client.pk).is_archived


def test_a_partial_api_change_of_a_german_postal_code_is_not_checked_as_polish(api):
    client = ClientFactory(country="DE")
    response = api.patch(f"/api/clients/{client.pk}", {"postal_code": "10115"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["postal_code"] == "10115"


def test_the_openapi_documents_etag_if_match_and_412(api):
    schema = api.get("/api/openapi.json").json()
    patch = schema["paths"]["/api/clients/{client_id}"]["patch"]
    assert "412" in patch["responses"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    assert "412" in schema["paths"]["/api/clients/{client_id}"]["put"]["responses"]
