"""The API: `/api/attributes`, attributes in client JSON (create, PUT, PATCH with ETag), bulk actions."""

import json

import pytest
from django.urls import reverse

from kartoteka.api.tests.client import token_client
from kartoteka.attributes.models import Attribute, AttributeOption, AttributeValue
from kartoteka.attributes.tests.factories import make_attribute
from kartoteka.audit.models import AuditEvent
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def admin_api(administrator):
    return token_client(administrator)


@pytest.fixture
def api(employee):
    return token_client(employee)


@pytest.fixture
def attributes(administrator):
    make_attribute(administrator, "segment", "choice", options=("Handel", "Usługi"))
    make_attribute(administrator, "employees", "number")
    make_attribute(administrator, "since", "date")
    make_attribute(administrator, "vip", "bool")
    make_attribute(administrator, "channels", "multi", options=("E-mail", "Poczta"))
    make_attribute(administrator, "note", "text")


VALUES = {
    "segment": "Handel",
    "employees": 12,
    "since": "2021-05-04",
    "vip": True,
    "channels": ["Poczta", "E-mail"],
    "note": "Stały",
}


def _post(api, path, body, **headers):
    return api.post(path, json.dumps(body), content_type=JSON, headers=headers)


def test_client_json_carries_each_attribute_with_its_json_type(api, attributes):
    body = {"first_name": "Anna", "email": "anna@example.pl", "attributes": {**VALUES, "employees": 12.25}}
    created = _post(api, reverse("api:client_create"), body)
    assert created.status_code == 201, created.content
    expected = {**VALUES, "employees": 12.25, "channels": ["E-mail", "Poczta"]}
    assert created.json()["attributes"] == expected
    got = api.get(reverse("api:client", args=[created.json()["id"]])).json()
    assert got["attributes"] == expected


def test_a_bad_value_is_a_422_per_attribute_and_creates_nothing(api, attributes):
    body = {
        "first_name": "Anna",
        "email": "anna@example.pl",
        "attributes": {"employees": "dużo", "since": "2021-02-30", "vip": "perhaps", "unknown": 1, "segment": "Hurt"},
    }
    response = _post(api, reverse("api:client_create"), body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["attributes.employees"] == ["Enter a number, e.g. 12 or 12.5."]
    assert errors["attributes.since"] == ["Enter a date as YYYY-MM-DD."]
    assert errors["attributes.vip"] == ["Choose yes or no (true or false)."]
    assert errors["attributes.unknown"] == ["There is no custom attribute with this key."]
    assert errors["attributes.segment"] == ["Choose one of: Handel, Usługi."]
    assert not Client.objects.exists()


def test_messages_are_polish_for_a_polish_caller(employee, attributes):
    api = token_client(employee, language="pl")
    body = {"first_name": "Anna", "email": "anna@example.pl", "attributes": {"employees": "dużo"}}
    errors = _post(api, reverse("api:client_create"), body).json()["errors"]
    assert errors["attributes.employees"] == ["Podaj liczbę, np. 12 lub 12,5."]


def test_patch_changes_the_attributes_sent_and_respects_if_match(api, attributes):
    client_id = _post(
        api, reverse("api:client_create"), {"first_name": "A", "email": "a@example.pl", "attributes": VALUES}
    ).json()["id"]
    url = reverse("api:client_patch", args=[client_id])
    etag = api.get(url).headers["ETag"]
    changed = api.patch(url, json.dumps({"attributes": {"employees": 13, "note": None}}), content_type=JSON,
                        headers={"If-Match": etag})  # fmt: skip
    assert changed.status_code == 200
    assert changed.json()["attributes"] == {**VALUES, "employees": 13, "note": None, "channels": ["E-mail", "Poczta"]}
    assert changed.headers["ETag"] != etag
    stale = api.patch(url, json.dumps({"attributes": {"employees": 14}}), content_type=JSON, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert AttributeValue.objects.get(attribute__key="employees").value_number == 13


def test_put_replaces_every_attribute(api, attributes):
    client_id = _post(
        api, reverse("api:client_create"), {"first_name": "A", "email": "a@example.pl", "attributes": VALUES}
    ).json()["id"]
    body = {"first_name": "A", "email": "a@example.pl", "attributes": {"vip": False}}
    replaced = api.put(reverse("api:client_put", args=[client_id]), json.dumps(body), content_type=JSON)
    assert replaced.status_code == 200
    assert replaced.json()["attributes"] == dict.fromkeys(VALUES) | {"vip": False}


def test_attributes_crud_is_for_administrators(api, admin_api):
    body = {"name": "Segment", "key": "segment", "type": "choice", "options": [{"label": "Handel"}, {"label": "IT"}]}
    assert _post(api, reverse("api:attribute_create"), body).status_code == 403
    created = _post(admin_api, reverse("api:attribute_create"), body)
    assert created.status_code == 201
    attribute = created.json()
    assert [o["label"] for o in attribute["options"]] == ["Handel", "IT"]
    assert api.get(reverse("api:attributes")).json()["items"][0]["key"] == "segment"  # employees read them
    url = reverse("api:attribute_update", args=[attribute["id"]])
    handel, it = attribute["options"]
    renamed = admin_api.patch(
        url,
        json.dumps({"name": "Branża", "options": [{"id": handel["id"], "label": "Sprzedaż"}, it]}),
        content_type=JSON,
    )
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Branża"
    assert [o["label"] for o in renamed.json()["options"]] == ["Sprzedaż", "IT"]
    assert admin_api.delete(url).status_code == 204
    assert not Attribute.objects.exists()


def test_a_taken_key_and_a_type_change_are_conflicts(admin_api, attributes):
    body = {"name": "Inny", "key": "segment", "type": "text"}
    response = _post(admin_api, reverse("api:attribute_create"), body)
    assert response.status_code == 409
    assert response.json()["detail"] == "This key is already taken."
    pk = Attribute.objects.get(key="vip").pk
    response = admin_api.patch(
        reverse("api:attribute_update", args=[pk]), json.dumps({"type": "text"}), content_type=JSON
    )
    assert response.status_code == 409


def test_removing_a_value_in_use_is_a_409_until_the_caller_says_what_to_do(admin_api, administrator, attributes):
    client = ClientFactory()
    handel = AttributeOption.objects.get(label="Handel")
    uslugi = AttributeOption.objects.get(label="Usługi")
    AttributeValue.objects.create(client=client, attribute=handel.attribute, option=handel)
    url = reverse("api:attribute_update", args=[handel.attribute_id])
    body = {"options": [{"id": uslugi.pk, "label": "Usługi"}]}
    refused = admin_api.patch(url, json.dumps(body), content_type=JSON)
    assert refused.status_code == 409
    assert "Handel (1)" in refused.json()["detail"]
    moved = admin_api.patch(url, json.dumps({**body, "removals": {str(handel.pk): uslugi.pk}}), content_type=JSON)
    assert moved.status_code == 200
    assert AttributeValue.objects.get(client=client).option_id == uslugi.pk


def test_bulk_set_and_clear_through_the_api(manager, attributes):
    api = token_client(manager)
    clients = [ClientFactory() for _n in range(3)]
    attribute = Attribute.objects.get(key="segment")
    body = {"ids": [c.pk for c in clients], "attribute": attribute.pk, "value": "Usługi"}
    done = _post(api, reverse("api:bulk_set_attribute"), body)
    assert done.status_code == 200, done.content
    assert done.json()["changed"] == 3
    bad = _post(api, reverse("api:bulk_set_attribute"), {**body, "value": "Hurt"})
    assert bad.status_code == 422
    assert bad.json()["errors"]["value"] == ["Choose one of: Handel, Usługi."]
    by_filter = {"filter": {"attr.segment": "Usługi"}, "attribute": attribute.pk}
    cleared = _post(api, reverse("api:bulk_clear_attribute"), by_filter)
    assert cleared.json()["changed"] == 3
    assert not AttributeValue.objects.exists()
    assert AuditEvent.objects.filter(event_type="attributes.value.bulk_cleared").count() == 1
