"""The contact-persons API as an integration sees it: Bearer token, JSON envelope, 422 per field."""

import json

import pytest
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.tests.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def api(employee):
    return token_client(employee)


def _post(api, url, data):
    return api.post(url, json.dumps(data), content_type=JSON)


def _patch(api, url, data):
    return api.patch(url, json.dumps(data), content_type=JSON)


def test_create_read_change_and_delete_a_contact_person(api):
    client = ClientFactory()
    created = _post(
        api,
        f"/api/clients/{client.pk}/contacts",
        {"first_name": "Anna", "last_name": "Nowak", "phone": "600 123 456", "may_collect_mail": True},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["client"] == client.pk
    assert body["phone"] == "+48600123456"
    assert (body["is_contact_person"], body["may_collect_mail"], body["may_represent"]) == (True, True, False)
    url = f"/api/contacts/{body['id']}"
    assert api.get(url).json()["last_name"] == "Nowak"
    changed = _patch(api, url, {"position": "Prezes", "may_represent": True})
    assert changed.status_code == 200
    assert (changed.json()["position"], changed.json()["may_represent"], changed.json()["first_name"]) == (
        "Prezes",
        True,
        "Anna",
    )
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.get(url).json()["detail"]


def test_bad_fields_get_422_with_a_message_per_field_and_nothing_is_stored(api):
    client = ClientFactory()
    response = _post(
        api, f"/api/clients/{client.pk}/contacts", {"first_name": "", "email": "zły@", "id_document_number": "#"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"first_name", "last_name", "email", "id_document_number"}
    assert not ContactPerson.objects.exists()


def test_a_wrongly_typed_flag_is_a_field_error(api):
    response = _post(api, f"/api/clients/{ClientFactory().pk}/contacts", {"first_name": "A", "may_represent": []})
    assert response.status_code == 422
    assert "may_represent" in response.json()["errors"]


def test_messages_follow_the_requests_language(employee):
    response = _post(
        token_client(employee, language="pl"), f"/api/clients/{ClientFactory().pk}/contacts", {"first_name": "A"}
    )
    assert response.json()["errors"]["last_name"] == ["To pole jest wymagane."]


def test_the_list_is_an_envelope_with_a_cursor(api):
    client = ClientFactory()
    contacts = [ContactPersonFactory(client=client, first_name=f"Osoba{i}") for i in range(3)]
    ContactPersonFactory()  # another client's
    first = api.get(f"/api/clients/{client.pk}/contacts", {"limit": 2}).json()
    assert [c["id"] for c in first["items"]] == [contacts[0].pk, contacts[1].pk]
    second = api.get(f"/api/clients/{client.pk}/contacts", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [c["id"] for c in second["items"]] == [contacts[2].pk]
    assert second["next_cursor"] is None
    bad = api.get(f"/api/clients/{client.pk}/contacts", {"cursor": "nonsense"})
    assert bad.status_code == 422
    assert "cursor" in bad.json()["errors"]


def test_an_archived_clients_contact_persons_answer_409_to_writes(api):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    contact = ContactPersonFactory(client=client)
    assert _post(api, f"/api/clients/{client.pk}/contacts", {"first_name": "A", "last_name": "B"}).status_code == 409
    assert _patch(api, f"/api/contacts/{contact.pk}", {"position": "X"}).status_code == 409
    assert api.delete(f"/api/contacts/{contact.pk}").status_code == 409
    assert api.get(f"/api/contacts/{contact.pk}").status_code == 200


def test_the_mail_pickup_check(api):
    client = ClientFactory()
    jan = ContactPersonFactory(client=client, may_collect_mail=True, id_document_number="ABC123456")
    anna = ContactPersonFactory(client=client, first_name="Anna", last_name="Kowalska")
    url = f"/api/clients/{client.pk}/mail-pickup-check"
    assert _post(api, url, {"name": "kowalski jan"}).json() == {
        "result": "allowed", "contact_id": jan.pk, "reason": None, "document_on_file": True,
    }  # fmt: skip
    assert _post(api, url, {"name": "Jan Kowalski", "document_number": "XXX000000"}).json()["result"] == "not_allowed"
    assert _post(api, url, {"name": "Anna Kowalska"}).json() == {
        "result": "not_allowed", "contact_id": anna.pk, "reason": "no_permission", "document_on_file": False,
    }  # fmt: skip
    assert _post(api, url, {"name": "Piotr Kowalski"}).json()["result"] == "unknown"
    assert _post(api, url, {"name": "Piotr Kowalski"}).json()["contact_id"] is None
    missing = _post(api, url, {"name": ""})
    assert missing.status_code == 422
    assert "name" in missing.json()["errors"]


def test_an_outsider_is_refused(outsider):
    contact = ContactPersonFactory()
    api = token_client(outsider)
    assert api.get(f"/api/clients/{contact.client_id}/contacts").status_code == 403
    assert api.get(f"/api/contacts/{contact.pk}").status_code == 403
    assert api.delete(f"/api/contacts/{contact.pk}").status_code == 403
    assert ContactPerson.objects.count() == 1


def test_an_unknown_field_or_a_control_character_is_a_422_on_that_field(api):
    url = f"/api/clients/{ClientFactory().pk}/contacts"
    unknown = _post(api, url, {"first_name": "A", "last_name": "B", "may_colect_mail": True})
    assert unknown.status_code == 422
    assert "may_colect_mail" in unknown.json()["errors"]
    control = _post(api, url, {"first_name": "A\x00", "last_name": "B", "additional_info": "line\nbreak\tkept"})
    assert control.status_code == 422
    assert set(control.json()["errors"]) == {"first_name"}
    kept = _post(api, url, {"first_name": "A", "last_name": "B", "additional_info": "line\nbreak\tkept"})
    assert kept.json()["additional_info"] == "line\nbreak\tkept"
    assert ContactPerson.objects.count() == 1
