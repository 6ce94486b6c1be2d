"""The REST API as an integration sees it: real requests with Bearer tokens, JSON in and out."""

import base64
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone

from kartoteka.accounts.services import api_token_create
from kartoteka.api.tests.client import token_client
from kartoteka.audit.models import AuditEvent
from kartoteka.clients import fields
from kartoteka.clients.models import Client, ClientGroup, Label, Note
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory, NoteFactory

JSON = "application/json"
CLIENT_FIELDS = {
    "id", *fields.EDITABLE, "status", "source", "archived_at", "created_at", "updated_at", "groups", "labels",
    "version", "attributes",
}  # fmt: skip
NEW_CLIENT = {"first_name": "Anna", "last_name": "Nowak", "email": "Anna.Nowak@Example.pl", "phone": "600 123 456",
              "nip": "525-000-58-34", "postal_code": "90001", "city": "Łódź", "website": "nowak.pl"}  # fmt: skip


@pytest.fixture
def api(employee):
    return token_client(employee)


@pytest.fixture
def manager_api(manager):
    return token_client(manager)


def _fields(client):
    """Everything a failed call must leave as it was."""
    client.refresh_from_db()
    return {
        **{f: getattr(client, f) for f in CLIENT_FIELDS - {"groups", "labels", "attributes"}},
        "groups": sorted(client.groups.values_list("id", flat=True)),
        "labels": sorted(client.labels.values_list("id", flat=True)),
    }


def _ids(response):
    return [item["id"] for item in response.json()["items"]]


# --- authentication, docs ------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer kt_not-a-real-token", "Basic dXNlcjpwYXNz"])
def test_request_without_a_valid_token_gets_401_json_not_a_login_redirect(db, client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/clients", headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith(JSON)
    assert response.json() == {"detail": "Unauthorized"}


def test_token_of_a_deactivated_user_stops_working(employee):
    api = token_client(employee)
    assert api.get("/api/clients").status_code == 200
    employee.is_active = False
    employee.save()
    assert api.get("/api/clients").status_code == 401


def test_the_api_is_token_only_a_browser_session_is_not_enough(employee_client):
    # Issue 6: session auth made a write without a token a CSRF 403; the API now takes tokens only.
    ClientFactory()
    response = employee_client.get("/api/clients")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_create_api_token_command_prints_a_token_that_works(employee):
    out = io.StringIO()
    call_command("create_api_token", employee.username, stdout=out)
    token = out.getvalue().strip()
    response = HttpClient().get("/api/clients", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_openapi_description_lists_every_resource(db, client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/clients", "/api/clients/{client_id}", "/api/clients/{client_id}/status",
                 "/api/clients/{client_id}/notes", "/api/clients/{client_id}/notes/{note_id}",
                 "/api/groups", "/api/groups/{pk}", "/api/labels", "/api/labels/{pk}"):  # fmt: skip
        assert path in paths
    list_params = {p["name"] for p in paths["/api/clients"]["get"]["parameters"]}
    assert list_params >= {"q", "status", "group", "label", "created_from", "created_to", "sort", "cursor", "limit"}


def test_interactive_docs_load_swagger_from_our_own_static_files(db, client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html  # the CSP allows scripts from 'self' only


# --- the client list -------------------------------------------------------------------


def test_list_returns_the_envelope_and_every_client_field(api):
    group, label = ClientGroupFactory(), LabelFactory()
    client = ClientFactory(phone="+48600123456", groups=[group], labels=[label])
    body = api.get("/api/clients").json()
    assert set(body) == {"items", "next_cursor"}
    assert body["next_cursor"] is None
    [item] = body["items"]
    assert set(item) == CLIENT_FIELDS
    assert item["id"] == client.id
    assert item["phone"] == "+48600123456"
    assert item["status"] == "active"
    assert item["groups"] == [group.id]
    assert item["labels"] == [label.id]


def test_count_is_given_only_when_asked_for(api):
    ClientFactory.create_batch(3)
    assert "count" not in api.get("/api/clients?limit=1").json()
    body = api.get("/api/clients?limit=1&count=true").json()
    assert body["count"] == 3
    assert len(body["items"]) == 1


def test_cursor_walks_every_client_once_in_the_chosen_order(api):
    for name in ("Zając", "Adamska", "Nowak", "Kowalski", "Bąk"):
        ClientFactory(last_name=name)
    seen, cursor = [], None
    while True:
        params = {"sort": "name", "limit": 2, **({"cursor": cursor} if cursor else {})}
        body = api.get("/api/clients", params).json()
        seen += [item["last_name"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Adamska", "Bąk", "Kowalski", "Nowak", "Zając"]


def test_list_default_is_active_clients_and_status_filter_shows_others(api):
    active = ClientFactory()
    inactive = ClientFactory(status="inactive")
    ClientFactory(status="inactive", archived_at=timezone.now())
    assert _ids(api.get("/api/clients")) == [active.id]
    assert _ids(api.get("/api/clients?status=inactive")) == [inactive.id]
    assert _ids(api.get("/api/clients?status=all&sort=id")) == [active.id, inactive.id]


def test_search_and_filters_are_those_of_the_web_list(api):
    group, label = ClientGroupFactory(), LabelFactory()
    wanted = ClientFactory(city="Łódź", groups=[group], labels=[label])
    ClientFactory(city="Łódź", groups=[group])
    ClientFactory(city="Gdańsk", groups=[group], labels=[label])
    response = api.get("/api/clients", {"q": "lodz", "group": group.id, "label": label.id})
    assert _ids(response) == [wanted.id]


def test_created_between_filter_includes_both_days(api):
    recent = ClientFactory()
    old = ClientFactory()
    Client.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    today = timezone.localdate().isoformat()
    assert _ids(api.get("/api/clients", {"created_from": today, "created_to": today})) == [recent.id]


def test_bad_list_parameters_get_a_message_each(api):
    response = api.get("/api/clients?status=deleted&group=abc&created_from=1.1.2024&sort=colour")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert set(body["errors"]) == {"status", "group", "created_from", "sort"}
    assert body["errors"]["group"] == ["Enter a whole number (an id)."]
    assert body["errors"]["created_from"] == ["Enter a date as YYYY-MM-DD."]


def test_unknown_list_parameters_are_refused_by_name(api):
    ClientFactory()
    response = api.get("/api/clients?grup=3&q=")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["grup"]
    assert api.get("/api/archive?grup=3").status_code == 422
    assert api.get("/api/clients?cursor=&limit=5&count=true").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["group=9223372036854775808", "label=0", "group=-1", "created_from=0001-01-01", "created_to=9999-12-31",
     "q=kowal%00", "q=%1B"],
)  # fmt: skip
def test_filter_values_that_used_to_fail_are_field_errors(api, query):
    response = api.get(f"/api/clients?{query}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_a_cursor_of_one_sort_order_is_refused_by_another(api):
    for _ in range(3):
        ClientFactory()
    cursor = api.get("/api/clients", {"sort": "email", "limit": 1}).json()["next_cursor"]
    assert api.get("/api/clients", {"sort": "email", "limit": 1, "cursor": cursor}).status_code == 200
    response = api.get("/api/clients", {"sort": "-email", "limit": 1, "cursor": cursor})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["cursor"]


def test_messages_are_polish_unless_the_request_asks_for_english(employee):
    english = token_client(employee).get("/api/clients?group=abc").json()["errors"]["group"]
    polish = token_client(employee, language="pl").get("/api/clients?group=abc").json()["errors"]["group"]
    default = HttpClient(headers={"Authorization": f"Bearer {api_token_create(user=employee)}"})
    assert default.get("/api/clients?group=abc").json()["errors"]["group"] == polish != english


@pytest.mark.parametrize("limit", ["0", "201", "many"])
def test_limit_outside_1_to_200_is_a_field_error(api, limit):
    response = api.get(f"/api/clients?limit={limit}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["limit"]


def _cursor(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


@pytest.mark.parametrize(
    ("sort", "cursor"),
    [
        ("-id", "not a cursor!"),
        ("-id", _cursor({"sort": "-id", "after": [1, 2, 3]})),  # wrong length for this sort
        ("-id", _cursor({"sort": "-id", "after": ["abc"]})),  # not an id
        ("created_at", _cursor({"sort": "created_at", "after": ["yesterday", 5]})),  # not a time
        ("-id", _cursor({"id": 1})),
        ("-id", _cursor([1])),  # a cursor of the old, untagged form
        ("phone", _cursor({"sort": "email", "after": ["a@example.pl", 1]})),  # made for another order
    ],
)
def test_bad_cursor_is_a_field_error(api, sort, cursor):
    ClientFactory()
    response = api.get("/api/clients", {"sort": sort, "cursor": cursor})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize("page_size", [5, 50])
def test_list_makes_the_same_number_of_queries_whatever_the_page_size(
    employee, django_assert_max_num_queries, page_size
):
    groups, labels = ClientGroupFactory.create_batch(3), LabelFactory.create_batch(3)
    for _ in range(page_size):
        ClientFactory(groups=groups[:2], labels=labels[1:])
    api = token_client(employee)
    api.get("/api/clients")  # warm up: the token's last-used time is written on first use
    # token, user's permissions (2), the page, groups, labels, count, the attributes' definitions
    with django_assert_max_num_queries(8):
        response = api.get(f"/api/clients?limit={page_size}&count=true")
    assert len(response.json()["items"]) == page_size
    assert all(len(item["groups"]) == 2 and len(item["labels"]) == 2 for item in response.json()["items"])


# --- create, read, update ----------------------------------------------------------------


def test_created_client_is_normalised_and_marked_as_coming_from_the_api(api, employee):
    group, label = ClientGroupFactory(), LabelFactory()
    response = api.post("/api/clients", {**NEW_CLIENT, "groups": [group.id], "labels": [label.id]}, content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == CLIENT_FIELDS
    assert body["email"] == "anna.nowak@example.pl"
    assert body["phone"] == "+48600123456"
    assert body["nip"] == "5250005834"
    assert body["postal_code"] == "90-001"
    assert body["website"] == "https://nowak.pl"
    assert body["country"] == "PL"
    assert body["source"] == "api"
    assert body["status"] == "active"
    assert body["groups"] == [group.id]
    assert body["labels"] == [label.id]
    client = Client.objects.get(pk=body["id"])
    assert client.created_by == employee
    assert AuditEvent.objects.filter(event_type="clients.client.created").exists()


def test_bad_client_fields_get_a_message_each_and_nothing_is_saved(api):
    data = {**NEW_CLIENT, "first_name": "", "nip": "1234567890", "phone": "12", "email": "nie-email"}
    response = api.post("/api/clients", data, content_type=JSON)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"first_name", "nip", "phone", "email"}
    assert errors["nip"] == ["Enter a valid NIP: 10 digits with a correct check digit, e.g. 525-000-58-34."]
    assert Client.objects.count() == 0


def test_missing_required_fields_are_named(api):
    response = api.post("/api/clients", {}, content_type=JSON)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"first_name", "email"}


def test_wrong_json_types_get_the_same_error_shape(api):
    response = api.post(
        "/api/clients", {**NEW_CLIENT, "first_name": 5, "groups": "x", "allow_duplicates": "maybe"}, content_type=JSON
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert {"first_name", "groups", "allow_duplicates"} <= set(body["errors"])
    assert all(isinstance(m, str) for msgs in body["errors"].values() for m in msgs)
    assert Client.objects.count() == 0


def test_body_that_is_not_json_is_a_bad_request(api):
    response = api.post("/api/clients", "{not json", content_type=JSON)
    assert response.status_code == 400
    assert Client.objects.count() == 0


def test_unknown_group_id_is_a_field_error_and_saves_nothing(api):
    response = api.post("/api/clients", {**NEW_CLIENT, "groups": [999]}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {"groups": ["Unknown id: 999."]}
    assert Client.objects.count() == 0


def test_possible_duplicates_are_listed_and_nothing_is_saved_until_confirmed(api):
    existing = ClientFactory(first_name="Anna", last_name="Stara", email="anna.nowak@example.pl")
    response = api.post("/api/clients", NEW_CLIENT, content_type=JSON)
    assert response.status_code == 409
    body = response.json()
    assert body["detail"]
    assert body["duplicates"] == [{"id": existing.id, "name": "Anna Stara", "email": "anna.nowak@example.pl"}]
    assert Client.objects.count() == 1
    confirmed = api.post("/api/clients", {**NEW_CLIENT, "allow_duplicates": True}, content_type=JSON)
    assert confirmed.status_code == 201
    assert Client.objects.count() == 2


def test_read_one_client_and_unknown_id_is_404(api):
    client = ClientFactory()
    response = api.get(f"/api/clients/{client.id}")
    assert response.status_code == 200
    assert response.json()["email"] == client.email
    missing = api.get("/api/clients/999999")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Client not found."


def test_patch_changes_only_the_fields_sent(api):
    group, other = ClientGroupFactory(), ClientGroupFactory()
    label = LabelFactory()
    client = ClientFactory(phone="+48600123456", groups=[group], labels=[label])
    response = api.patch(f"/api/clients/{client.id}", {"city": "Gdańsk", "groups": [other.id]}, content_type=JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["city"] == "Gdańsk"
    assert body["groups"] == [other.id]
    assert body["labels"] == [label.id]  # not sent, so kept
    assert body["phone"] == "+48600123456"
    assert body["email"] == client.email


def test_failed_patch_changes_nothing(api):
    group = ClientGroupFactory()
    client = ClientFactory(groups=[group], phone="+48600123456")
    before = _fields(client)
    response = api.patch(f"/api/clients/{client.id}", {"city": "Gdańsk", "nip": "123", "groups": []}, content_type=JSON)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["nip"]
    assert _fields(client) == before


def test_patch_to_a_taken_email_is_409_and_changes_nothing(api):
    ClientFactory(email="zajety@example.pl")
    client = ClientFactory()
    before = _fields(client)
    response = api.patch(
        f"/api/clients/{client.id}", {"email": "zajety@example.pl", "city": "Gdańsk"}, content_type=JSON
    )
    assert response.status_code == 409
    assert response.json()["duplicates"][0]["email"] == "zajety@example.pl"
    assert _fields(client) == before
    allowed = {"email": "zajety@example.pl", "allow_duplicates": True}
    assert api.patch(f"/api/clients/{client.id}", allowed, content_type=JSON).status_code == 200


def test_patch_of_unknown_client_is_404(api):
    assert api.patch("/api/clients/999999", {"city": "Gdańsk"}, content_type=JSON).status_code == 404


def test_put_replaces_the_whole_record(api):
    client = ClientFactory(company_name="Firma", groups=[ClientGroupFactory()], phone="+48600123456")
    response = api.put(f"/api/clients/{client.id}", {"first_name": "Ewa", "email": "ewa@example.pl"}, content_type=JSON)
    assert response.status_code == 200
    body = response.json()
    assert (body["first_name"], body["company_name"], body["phone"], body["groups"]) == ("Ewa", "", "", [])


def test_status_can_be_switched_and_a_bad_one_is_refused(api):
    client = ClientFactory()
    response = api.post(f"/api/clients/{client.id}/status", {"status": "inactive"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["status"] == "inactive"
    refused = api.post(f"/api/clients/{client.id}/status", {"status": "deleted"}, content_type=JSON)
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["status"]
    client.refresh_from_db()
    assert client.status == "inactive"


def test_archived_client_cannot_be_changed(api):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    before = _fields(client)
    response = api.patch(f"/api/clients/{client.id}", {"city": "Gdańsk"}, content_type=JSON)
    assert response.status_code == 409
    assert _fields(client) == before


# --- notes ------------------------------------------------------------------------------


def test_notes_are_listed_newest_first_with_their_author(api, employee):
    client = ClientFactory()
    old = NoteFactory(client=client, author=employee, text="Pierwsza")
    Note.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    new = NoteFactory(client=client, author=None, text="Druga")
    NoteFactory()  # another client's
    body = api.get(f"/api/clients/{client.id}/notes").json()
    assert body["next_cursor"] is None
    assert [(n["id"], n["author"]) for n in body["items"]] == [(new.id, None), (old.id, employee.username)]
    assert set(body["items"][0]) == {"id", "text", "author", "created_at", "updated_at"}


def test_note_is_added_and_an_empty_one_refused(api, employee):
    client = ClientFactory()
    response = api.post(f"/api/clients/{client.id}/notes", {"text": "  Oddzwonić  "}, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["text"] == "Oddzwonić"
    assert response.json()["author"] == employee.username
    empty = api.post(f"/api/clients/{client.id}/notes", {"text": " "}, content_type=JSON)
    assert empty.status_code == 422
    assert list(empty.json()["errors"]) == ["text"]
    assert Note.objects.count() == 1


def test_own_note_may_be_edited_and_deleted(api, employee):
    note = NoteFactory(author=employee)
    url = f"/api/clients/{note.client_id}/notes/{note.id}"
    response = api.patch(url, {"text": "Poprawione"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["text"] == "Poprawione"
    assert api.delete(url).status_code == 204
    assert not Note.objects.filter(pk=note.pk).exists()


def test_employee_cannot_touch_someone_elses_note(api, manager):
    note = NoteFactory(author=manager, text="Cudza")
    url = f"/api/clients/{note.client_id}/notes/{note.id}"
    assert api.patch(url, {"text": "Zmienione"}, content_type=JSON).status_code == 403
    assert api.delete(url).status_code == 403
    note.refresh_from_db()
    assert note.text == "Cudza"


def test_manager_may_moderate_other_peoples_notes(manager_api, employee):
    note = NoteFactory(author=employee)
    url = f"/api/clients/{note.client_id}/notes/{note.id}"
    assert manager_api.patch(url, {"text": "Moderowane"}, content_type=JSON).status_code == 200
    assert manager_api.delete(url).status_code == 204


def test_note_of_another_client_or_unknown_is_404(api, employee):
    note = NoteFactory(author=employee)
    other = ClientFactory()
    assert api.patch(f"/api/clients/{other.id}/notes/{note.id}", {"text": "x"}, content_type=JSON).status_code == 404
    assert api.delete(f"/api/clients/{note.client_id}/notes/999999").status_code == 404
    assert api.get("/api/clients/999999/notes").status_code == 404
    assert Note.objects.filter(pk=note.pk).exists()


# --- groups and labels ------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "model"), [("groups", ClientGroup), ("labels", Label)])
def test_groups_and_labels_go_through_their_whole_life(manager_api, kind, model):
    created = manager_api.post(f"/api/{kind}", {"name": "VIP", "color": "#FF0000"}, content_type=JSON)
    assert created.status_code == 201
    item = created.json()
    assert item == {"id": item["id"], "name": "VIP", "color": "#ff0000"}
    assert manager_api.get(f"/api/{kind}").json() == {"items": [item], "next_cursor": None}
    assert manager_api.get(f"/api/{kind}/{item['id']}").json() == item
    renamed = manager_api.patch(f"/api/{kind}/{item['id']}", {"name": "Stali"}, content_type=JSON)
    assert renamed.json() == {**item, "name": "Stali"}  # the colour was not sent, so it stays
    assert manager_api.delete(f"/api/{kind}/{item['id']}").status_code == 204
    assert not model.objects.exists()
    assert manager_api.get(f"/api/{kind}/{item['id']}").status_code == 404


@pytest.mark.parametrize("kind", ["groups", "labels"])
def test_bad_group_or_label_fields_get_messages_and_change_nothing(manager_api, kind):
    taken = manager_api.post(f"/api/{kind}", {"name": "VIP"}, content_type=JSON).json()
    response = manager_api.post(f"/api/{kind}", {"name": "vip", "color": "red"}, content_type=JSON)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "color"}
    other = manager_api.post(f"/api/{kind}", {"name": "Inni"}, content_type=JSON).json()
    clash = manager_api.patch(f"/api/{kind}/{other['id']}", {"name": "VIP", "color": "#000000"}, content_type=JSON)
    assert clash.status_code == 422
    assert manager_api.get(f"/api/{kind}").json()["items"] == [other, taken]


def test_employee_may_create_groups_but_not_delete_them(api):
    group = api.post("/api/groups", {"name": "Nowa"}, content_type=JSON)
    assert group.status_code == 201
    response = api.delete(f"/api/groups/{group.json()['id']}")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert ClientGroup.objects.filter(pk=group.json()["id"]).exists()


def test_employee_may_use_labels_but_not_create_them(api):
    label = LabelFactory()
    assert api.get("/api/labels").status_code == 200
    assert api.post("/api/labels", {"name": "Nowa"}, content_type=JSON).status_code == 403
    assert api.patch(f"/api/labels/{label.id}", {"name": "Zmieniona"}, content_type=JSON).status_code == 403
    assert Label.objects.get().name == label.name


# --- permissions ----------------------------------------------------------------------------


def test_user_without_a_role_is_refused_everything(outsider):
    client = ClientFactory()
    note = NoteFactory(client=client, author=outsider)
    group, label = ClientGroupFactory(), LabelFactory()
    api = token_client(outsider)
    before = _fields(client)
    calls = [
        ("get", "/api/clients", None),
        ("post", "/api/clients", NEW_CLIENT),
        ("get", f"/api/clients/{client.id}", None),
        ("patch", f"/api/clients/{client.id}", {"city": "Gdańsk"}),
        ("put", f"/api/clients/{client.id}", NEW_CLIENT),
        ("post", f"/api/clients/{client.id}/status", {"status": "inactive"}),
        ("get", f"/api/clients/{client.id}/notes", None),
        ("post", f"/api/clients/{client.id}/notes", {"text": "x"}),
        ("patch", f"/api/clients/{client.id}/notes/{note.id}", {"text": "x"}),
        ("delete", f"/api/clients/{client.id}/notes/{note.id}", None),
        ("get", "/api/clients/999999", None),  # no peeking at which ids exist
    ]
    for kind, obj in (("groups", group), ("labels", label)):
        calls += [
            ("get", f"/api/{kind}", None),
            ("post", f"/api/{kind}", {"name": "x"}),
            ("get", f"/api/{kind}/{obj.id}", None),
            ("get", f"/api/{kind}/999999", None),
            ("patch", f"/api/{kind}/{obj.id}", {"name": "x"}),
            ("delete", f"/api/{kind}/{obj.id}", None),
        ]
    for method, url, data in calls:
        kwargs = {"data": data, "content_type": JSON} if data is not None else {}
        response = getattr(api, method)(url, **kwargs)
        assert response.status_code == 403, (method, url, response.status_code)
    assert _fields(client) == before
    assert Client.objects.count() == 1
    assert Note.objects.get().text == note.text
    assert ClientGroup.objects.get().name == group.name
    assert Label.objects.get().name == label.name
