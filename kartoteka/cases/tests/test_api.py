"""The cases API as an integration sees it: Bearer tokens, JSON, envelope, cursors, 422 per field, ETags."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.audit.models import AuditEvent
from kartoteka.cases.models import Case
from kartoteka.cases.tests.factories import CaseFactory
from kartoteka.clients.tests.factories import ClientFactory

JSON = "application/json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(employee):
    return token_client(employee)


def _ids(response):
    return [item["id"] for item in response.json()["items"]]


def test_create_then_read_a_case_with_its_etag(api, employee):
    client = ClientFactory(first_name="Anna", last_name="Nowak")
    response = api.post(
        "/api/cases", {"client": client.pk, "title": "Umowa", "opened_at": "2025-03-01"}, content_type=JSON
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["client"] == client.pk
    assert body["client_name"] == "Anna Nowak"
    assert (body["title"], body["status"], body["owner"], body["closed_at"]) == ("Umowa", "open", employee.pk, None)
    assert body["opened_at"].startswith("2025-03-01")
    assert response["ETag"] == f'"{body["id"]}-1"'
    read = api.get(f"/api/cases/{body['id']}")
    assert read.status_code == 200
    assert read["ETag"] == f'"{body["id"]}-1"'


def test_bad_input_gets_422_with_a_message_per_field(api):
    client = ClientFactory()
    response = api.post("/api/cases", {"client": client.pk, "title": "", "owner": 987654}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "title": ["Enter the case's title."],
        "owner": ["There is no active staff member with this id."],
    }
    assert api.post("/api/cases", {"title": "Bez klienta"}, content_type=JSON).json()["errors"] == {
        "client": ["Choose the client (an id)."]
    }
    missing = api.post("/api/cases", {"client": 987654, "title": "X"}, content_type=JSON)
    assert missing.status_code == 422  # a field of the body: 422 on it, not a 404 of the URL
    assert missing.json()["errors"] == {"client": ["There is no client with this id."]}
    typo = api.post("/api/cases", {"client": client.pk, "title": "X", "titel": "Y"}, content_type=JSON)
    assert typo.status_code == 422
    assert "titel" in typo.json()["errors"]
    nul = api.post("/api/cases", {"client": client.pk, "title": "A\u0000B"}, content_type=JSON)
    assert nul.json()["errors"] == {
        "title": ["Remove the control characters (such as NUL, tabs or line breaks) from this text."]
    }
    assert not Case.objects.exists()


def test_close_and_reopen_endpoints(api):
    case = CaseFactory()
    closed = api.post(f"/api/cases/{case.pk}/close")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"] is not None
    assert api.post(f"/api/cases/{case.pk}/close").status_code == 409
    reopened = api.post(f"/api/cases/{case.pk}/reopen")
    assert reopened.json()["status"] == "open"
    assert reopened.json()["closed_at"] is None
    assert reopened["ETag"] == f'"{case.pk}-3"'


def test_if_match_protects_an_edit_from_a_concurrent_one(api):
    case = CaseFactory(title="Początek")
    etag = api.get(f"/api/cases/{case.pk}")["ETag"]
    first = api.patch(f"/api/cases/{case.pk}", {"title": "Pierwsza"}, content_type=JSON, headers={"If-Match": etag})
    assert first.status_code == 200
    assert first["ETag"] == f'"{case.pk}-2"'
    second = api.patch(f"/api/cases/{case.pk}", {"title": "Druga"}, content_type=JSON, headers={"If-Match": etag})
    assert second.status_code == 412
    assert second["ETag"] == f'"{case.pk}-2"'  # the current one, to read again
    assert api.post(f"/api/cases/{case.pk}/close", headers={"If-Match": etag}).status_code == 412
    case.refresh_from_db()
    assert (case.title, case.status) == ("Pierwsza", "open")


def test_patch_changes_only_the_fields_sent(api):
    case = CaseFactory(title="Tytuł", description="Opis")
    response = api.patch(f"/api/cases/{case.pk}", {"description": "Nowy opis"}, content_type=JSON)
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.title, case.description) == ("Tytuł", "Nowy opis")


def test_delete_is_for_managers(api, manager):
    case = CaseFactory()
    assert api.delete(f"/api/cases/{case.pk}").status_code == 403
    assert token_client(manager).delete(f"/api/cases/{case.pk}").status_code == 204
    assert not Case.objects.exists()


def test_cases_of_an_archived_client_are_read_only(api):
    case = CaseFactory(client=ClientFactory(status="inactive", archived_at=timezone.now()))
    assert api.get(f"/api/cases/{case.pk}").status_code == 200
    assert api.patch(f"/api/cases/{case.pk}", {"title": "X"}, content_type=JSON).status_code == 409
    assert api.post(f"/api/cases/{case.pk}/close").status_code == 409
    assert not AuditEvent.objects.filter(event_type__startswith="cases.").exists()


def test_list_filters_like_the_sprawy_page(api, employee, manager):
    anna = ClientFactory(first_name="Anna", last_name="Łukasik", city="Łódź")
    mine = CaseFactory(
        client=anna, title="Umowa najmu", owner=employee, opened_at=timezone.now() - dt.timedelta(days=40)
    )
    closed = CaseFactory(title="Reklamacja", owner=manager, status="closed", closed_at=timezone.now())
    assert _ids(api.get("/api/cases?q=lukasik")) == [mine.pk]
    assert _ids(api.get("/api/cases?q=najmu")) == [mine.pk]
    assert _ids(api.get("/api/cases?status=closed")) == [closed.pk]
    assert _ids(api.get(f"/api/cases?owner={employee.pk}")) == [mine.pk]
    assert _ids(api.get(f"/api/cases?client={anna.pk}")) == [mine.pk]
    since = (timezone.now() - dt.timedelta(days=10)).date().isoformat()
    assert _ids(api.get(f"/api/cases?opened_from={since}")) == [closed.pk]
    assert _ids(api.get("/api/cases?sort=title")) == [closed.pk, mine.pk]
    assert _ids(api.get("/api/cases?sort=closed_at")) == [closed.pk, mine.pk]  # open cases close "never"
    assert api.get("/api/cases?count=true").json()["count"] == 2


def test_list_parsing_is_strict_with_a_message_per_parameter(api):
    response = api.get("/api/cases?stauts=open&owner=abc&opened_from=2025-13-01&sort=colour")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"stauts", "owner", "opened_from", "sort"}
    assert errors["owner"] == ["Enter a whole number (an id)."]


@pytest.mark.parametrize(
    "sort", ["id", "-id", "title", "-title", "client", "owner", "status", "opened_at", "-closed_at"]
)
def test_keyset_pages_walk_every_case_once_in_every_sort(api, employee, manager, sort):
    owners = [employee, manager, None]
    for i in range(7):
        CaseFactory(
            title=f"{'ŁBAC'[i % 4]}sprawa {i}", owner=owners[i % 3],
            client=ClientFactory(last_name=f"K{i % 3}"),
            status="closed" if i % 2 else "open", closed_at=timezone.now() - dt.timedelta(days=i) if i % 2 else None,
        )  # fmt: skip
    seen, cursor = [], None
    for _ in range(10):
        url = f"/api/cases?sort={sort}&limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(url).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    full = _ids(api.get(f"/api/cases?sort={sort}&limit=200"))
    assert seen == full
    assert sorted(seen) == sorted(Case.objects.values_list("id", flat=True))


def test_a_cursor_of_another_sort_is_a_field_error(api):
    for _ in range(3):
        CaseFactory()
    cursor = api.get("/api/cases?sort=title&limit=1").json()["next_cursor"]
    response = api.get(f"/api/cases?sort=opened_at&limit=1&cursor={cursor}")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"cursor"}


def test_the_list_costs_the_same_number_of_queries_for_3_and_30_cases(api):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/cases?limit=50&sort=client").status_code == 200
        return len(ctx)

    for _ in range(3):
        CaseFactory()
    queries()  # the first request of a token also records when it was used
    few = queries()
    for _ in range(27):
        CaseFactory()
    assert queries() == few <= 4
