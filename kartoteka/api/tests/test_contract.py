"""The API's contract at the edges, each found by the schemathesis run (issue 6, point 8):
authentication, unknown paths, body size and shape, input that no database can store."""

import io
import json

import pytest
from django.test import Client as HttpClient

from kartoteka.api.tests.client import token_client
from kartoteka.clients import services
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import ClientGroup, Label
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory

JSON = "application/json"
HUGE_ID = 2**63  # one past the largest BIGINT


@pytest.fixture
def api(administrator):
    return token_client(administrator)


def _post(api, path, body, method="post"):
    return getattr(api, method)(path, body if isinstance(body, str) else json.dumps(body), content_type=JSON)


# --- authentication: 401 with WWW-Authenticate, never a CSRF 403 -----------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("header", [None, "Bearer kt_wrong"])
def test_a_write_without_a_valid_token_is_401_with_www_authenticate(db, method, header):
    browser_like = HttpClient(enforce_csrf_checks=True, headers={"Authorization": header} if header else {})
    path = "/api/clients" if method == "post" else "/api/clients/1"
    response = getattr(browser_like, method)(path, "{}", content_type=JSON)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {"detail": "Unauthorized"}


# --- unknown paths: JSON 404 for every method --------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_any_method_on_an_unknown_api_path_is_a_json_404(db, method):
    browser_like = HttpClient(enforce_csrf_checks=True)
    if method == "get":
        response = browser_like.get("/api/no-such-thing")
    else:
        response = getattr(browser_like, method)("/api/no-such-thing", "{}", content_type=JSON)
    assert response.status_code == 404
    assert response["Content-Type"].startswith(JSON)
    assert "detail" in response.json()


# --- body size: JSON 413; chunked bodies read, not dropped ---------------------------------


def test_a_body_over_the_limit_is_a_json_413_and_nothing_is_created(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post(api, "/api/groups", {"name": "x" * 2000})
    assert response.status_code == 413
    assert response["Content-Type"].startswith(JSON)
    assert "1000" in response.json()["detail"]
    assert not ClientGroup.objects.exists()


def _chunked(api, body: bytes, *, terminated: bool):
    environ = {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"}
    if terminated:
        environ["wsgi.input_terminated"] = True
    return api.generic("POST", "/api/groups", b"", content_type=JSON, **environ)


def test_a_chunked_body_is_read_when_the_server_decodes_it(api):
    response = _chunked(api, json.dumps({"name": "VIP"}).encode(), terminated=True)
    assert response.status_code == 201, response.content
    assert ClientGroup.objects.get().name == "VIP"


def test_a_chunked_body_over_the_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = _chunked(api, json.dumps({"name": "x" * 200}).encode(), terminated=True)
    assert response.status_code == 413


def test_a_chunked_body_the_server_cannot_decode_is_411_not_an_empty_body(api):
    response = _chunked(api, json.dumps({"name": "VIP"}).encode(), terminated=False)
    assert response.status_code == 411
    assert not ClientGroup.objects.exists()


# --- body shape: a JSON object of known fields -------------------------------------------


@pytest.mark.parametrize("body", ["[]", '"str"', "null", "1"])
def test_a_body_that_is_not_a_json_object_is_422(api, body):
    ClientGroupFactory(name="VIP")
    response = _post(api, "/api/groups", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["Send a JSON object as the request body."]}


def test_an_unknown_field_is_422_naming_it(api):
    client = ClientFactory(first_name="Anna")
    response = _post(api, f"/api/clients/{client.pk}", {"frist_name": "Ala"}, method="patch")
    assert response.status_code == 422
    assert response.json()["errors"] == {"frist_name": ["Unknown field."]}
    client.refresh_from_db()
    assert client.first_name == "Anna"


# --- ids no database can hold -------------------------------------------------------------


@pytest.mark.parametrize("field", ["groups", "labels"])
def test_a_set_id_above_bigint_is_422_on_its_field(api, field):
    client = ClientFactory()
    response = _post(api, f"/api/clients/{client.pk}", {field: [HUGE_ID]}, method="patch")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [f"{field}.0"]


def test_bulk_ids_null_beside_a_filter_is_422_not_ignored(api):
    ClientFactory()
    response = _post(api, "/api/clients/bulk/archive", {"ids": None, "filter": {}})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["ids"]


def test_bulk_ids_above_bigint_are_422(api):
    response = _post(api, "/api/clients/bulk/archive", {"ids": [1, HUGE_ID]})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["ids.1"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/clients/{id}"), ("get", "/api/groups/{id}"),
     ("delete", "/api/clients/1/notes/{id}")],
)  # fmt: skip
def test_a_path_id_above_bigint_is_422(api, method, path):
    ClientFactory(pk=1)
    response = getattr(api, method)(path.format(id=HUGE_ID))
    assert response.status_code == 422


# --- text no database can store ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/clients", "first_name"), ("/api/clients", "city"), ("/api/groups", "name"), ("/api/labels", "name")],
)
def test_a_lone_surrogate_is_422_on_its_field(api, path, field):
    body = {"first_name": "Anna", "email": "anna@example.pl"} if path == "/api/clients" else {"name": "VIP"}
    raw = json.dumps({**body, field: "X"})[:-1].replace('"X"', '"X\\ud800"') + "}"
    response = _post(api, path, raw)
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == [field]
    assert not ClientGroup.objects.exists()
    assert not Label.objects.exists()


# --- stored text: control characters, lengths, per-field errors ----------------------------


@pytest.mark.parametrize("field", ["first_name", "last_name", "company_name", "street", "city"])
def test_control_characters_in_a_client_field_are_422_on_that_field(api, field):
    body = {"first_name": "Anna", "email": "anna@example.pl", field: "Ala\u0000ma"}
    response = _post(api, "/api/clients", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert "control characters" in response.json()["errors"][field][0]


def test_a_note_of_only_nul_is_refused_and_tabs_and_line_breaks_are_kept(api):
    client = ClientFactory()
    assert _post(api, f"/api/clients/{client.pk}/notes", {"text": "\u0000"}).status_code == 422
    response = _post(api, f"/api/clients/{client.pk}/notes", {"text": "Call\tMonday\nthen Tuesday"})
    assert response.status_code == 201
    assert response.json()["text"] == "Call\tMonday\nthen Tuesday"


def test_a_group_name_with_a_line_break_is_refused(api):
    response = _post(api, "/api/groups", {"name": "VIP\nclients"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["name"]


def test_a_website_longer_than_the_model_allows_is_422(api):
    body = {"first_name": "Anna", "email": "anna@example.pl", "website": "https://example.pl/" + "a" * 2000}
    response = _post(api, "/api/clients", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {"website": ["Use at most 300 characters."]}


def test_an_invalid_country_is_reported_under_country_without_hiding_other_fields(api):
    body = {"first_name": "", "email": "anna@example.pl", "country": "POL", "phone": "12"}
    response = _post(api, "/api/clients", body)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"first_name", "country", "phone"}


# --- group and label names: unique ignoring case and normal form, in the database ------------


@pytest.mark.parametrize("kind", ["groups", "labels"])
@pytest.mark.parametrize("second", ["ŻÓŁW", "żółw", "Z\u0307o\u0301\u0142w"])  # upper, lower, decomposed
def test_a_name_differing_only_by_case_or_normal_form_is_taken(api, kind, second):
    assert _post(api, f"/api/{kind}", {"name": "Żółw"}).status_code == 201
    response = _post(api, f"/api/{kind}", {"name": second})
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["This name is already taken."]}


def test_renaming_a_group_to_a_taken_name_is_refused(api):
    ClientGroupFactory(name="Żółw")
    other = ClientGroupFactory(name="VIP")
    response = _post(api, f"/api/groups/{other.pk}", {"name": "ŻÓŁW"}, method="patch")
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.name == "VIP"


def test_the_database_refuses_a_folded_duplicate_even_past_the_check(api, monkeypatch):
    ClientGroupFactory(name="Żółw")
    # Two requests racing both pass the Python check; the unique key must stop the second.
    monkeypatch.setattr(services, "_clean_set_name", lambda model, raw, exclude_id: raw)
    response = _post(api, "/api/groups", {"name": "ŻÓŁW"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["This name is already taken."]}
    assert ClientGroup.objects.count() == 1


# --- the OpenAPI document states what the server enforces ------------------------------------


@pytest.fixture
def openapi(db):
    return HttpClient().get("/api/openapi.json").json()


def test_openapi_lists_required_fields_and_errors(openapi):
    schemas = openapi["components"]["schemas"]
    assert schemas["ClientCreateIn"]["required"] == ["email", "first_name"]
    assert schemas["ClientCreateIn"]["additionalProperties"] is False
    assert schemas["StatusIn"]["properties"]["status"]["enum"] == ["active", "inactive"]
    assert schemas["Bulk_archive_In"]["properties"]["ids"]["minItems"] == 1
    post = openapi["paths"]["/api/clients"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "413", "422"} <= set(post)


def test_openapi_409_body_fits_the_archived_client_answer(api, administrator, openapi):
    client = ClientFactory()
    services.client_archive(actor=administrator, client=client)
    response = _post(api, f"/api/clients/{client.pk}", {"city": "Gdańsk"}, method="patch")
    assert response.status_code == 409
    conflict = openapi["components"]["schemas"]["ConflictOut"]
    assert set(conflict["required"]) <= set(response.json())


# --- JSON types are taken as sent: no 0 for false, no false for 0 ------------------------------


def test_allow_duplicates_must_be_a_json_boolean(api):
    body = {"first_name": "Anna", "email": "anna@example.pl", "allow_duplicates": 0}
    response = _post(api, "/api/clients", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["allow_duplicates"]


def test_confirm_count_must_be_a_number_not_false(api):
    ClientFactory()
    response = _post(api, "/api/clients/bulk/archive", {"filter": {}, "confirm_count": False})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["confirm_count"]


@pytest.mark.parametrize("path", ["/api/clients", "/api/archive"])
def test_every_client_filter_parameter_is_in_the_list_endpoints_document(openapi, path):
    documented = {p["name"]: p for p in openapi["paths"][path]["get"]["parameters"] if p["in"] == "query"}
    assert ClientFilter.param_names() <= set(documented)
    assert all(documented[name].get("description") for name in ClientFilter.param_names())
    assert set(documented) - ClientFilter.param_names() == {"cursor", "limit", "count"}


def test_a_filter_field_declared_on_a_filterset_is_a_documented_parameter_without_more_work():
    from dataclasses import dataclass

    from kartoteka.api.schemas import filter_params
    from kartoteka.clients.schemas import ClientPageParams
    from kartoteka.core.filtering import Choice, declare

    @dataclass(frozen=True)
    class WithCity(ClientFilter):
        city: str = declare(Choice("City", column="city", choices={"Kraków": "Kraków", "Gdańsk": "Gdańsk"}), "Kraków")

    params = filter_params("WithCityParams", WithCity, base=ClientPageParams).model_json_schema()["properties"]
    assert params["city"]["description"] == "One of `Kraków`, `Gdańsk` (default `Kraków`)."
    assert ClientFilter.param_names() <= set(params)


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/docs"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_document_and_its_page_are_read_only_json_405(db, path, method):
    response = getattr(HttpClient(enforce_csrf_checks=True), method)(path, "{}", content_type=JSON)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"].startswith(JSON)
    assert HttpClient().get(path).status_code == 200


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_the_api_root_is_the_json_404_of_unknown_paths(db, method):
    response = getattr(HttpClient(enforce_csrf_checks=True), method)("/api/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith(JSON)
    assert response.json() == {"detail": HttpClient().get("/api/no-such-thing").json()["detail"]}
