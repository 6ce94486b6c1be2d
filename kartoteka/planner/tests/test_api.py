"""The tasks API as an integration sees it: filters, cursor, 422 per field, 404 for unknown ids, ETags."""

import datetime as dt

import pytest
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.cases.tests.factories import CaseFactory
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.planner.models import Task
from kartoteka.planner.tests.factories import TaskFactory

JSON = "application/json"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def api(employee):
    return token_client(employee)


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_create_then_read_a_task_with_its_etag(api, employee, manager):
    client = ClientFactory(first_name="Anna", last_name="Nowak")
    case = CaseFactory(client=client)
    body = {"client": client.pk, "subject": "Oddzwonić", "due_date": "2026-12-01", "due_time": "09:15",
            "assignees": [manager.pk, employee.pk], "case": case.pk, "notify_creator": True}  # fmt: skip
    response = api.post("/api/tasks", body, content_type=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["client"], data["client_name"], data["case"]) == (client.pk, "Anna Nowak", case.pk)
    assert (data["due_date"], data["due_time"], data["done"], data["done_at"]) == ("2026-12-01", "09:15", False, None)
    assert data["assignees"] == sorted([employee.pk, manager.pk])
    assert (data["created_by"], data["notify_creator"]) == (employee.pk, True)
    assert response["ETag"] == f'"{data["id"]}-1"'
    read = api.get(f"/api/tasks/{data['id']}")
    assert read.json() == data


def test_bad_input_gets_422_per_field_and_unknown_ids_404(api):
    client = ClientFactory()
    response = api.post("/api/tasks", {"client": client.pk, "subject": "", "due_date": "2026-02-30"}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "subject": ["Enter the task's subject."],
        "due_date": ["Enter a date as YYYY-MM-DD."],
    }
    assert api.post("/api/tasks", {"subject": "X", "due_date": "2026-12-01"}, content_type=JSON).json()["errors"] == {
        "client": ["Choose the client (an id)."]
    }
    base = {"client": client.pk, "subject": "X", "due_date": "2026-12-01"}
    assert api.post("/api/tasks", {**base, "client": 987654}, content_type=JSON).status_code == 404
    assert api.post("/api/tasks", {**base, "assignees": [987654]}, content_type=JSON).status_code == 404
    assert api.post("/api/tasks", {**base, "case": 987654}, content_type=JSON).status_code == 404
    foreign = CaseFactory()
    wrong = api.post("/api/tasks", {**base, "case": foreign.pk}, content_type=JSON)  # another client's case
    assert (wrong.status_code, wrong.json()["detail"]) == (404, f"This client has no case with id {foreign.pk}.")
    assert api.post("/api/tasks", {**base, "assignees": None}, content_type=JSON).status_code == 422
    assert api.post("/api/tasks", {**base, "notify_creator": None}, content_type=JSON).status_code == 422
    assert api.post("/api/tasks", {**base, "titel": "Y"}, content_type=JSON).status_code == 422
    assert not Task.objects.exists()


def test_the_list_filters_by_client_assignee_due_days_and_done(api, employee, manager):
    anna, jan = ClientFactory(), ClientFactory()
    a = TaskFactory(client=anna, due_date=_day(-2), assignees=[employee])
    b = TaskFactory(client=anna, due_date=_day(0), assignees=[manager])
    c = TaskFactory(client=jan, due_date=_day(5), assignees=[employee, manager], done_at=timezone.now())
    assert _ids(api.get("/api/tasks")) == [a.pk, b.pk, c.pk]  # by due day
    assert _ids(api.get("/api/tasks", {"client": anna.pk})) == [a.pk, b.pk]
    assert _ids(api.get("/api/tasks", {"assignee": manager.pk})) == [b.pk, c.pk]
    assert _ids(api.get("/api/tasks", {"due_from": _day(0).isoformat()})) == [b.pk, c.pk]
    assert _ids(api.get("/api/tasks", {"due_to": _day(0).isoformat()})) == [a.pk, b.pk]
    assert _ids(api.get("/api/tasks", {"done": "yes"})) == [c.pk]
    assert _ids(api.get("/api/tasks", {"done": "no", "sort": "-due"})) == [b.pk, a.pk]
    counted = api.get("/api/tasks", {"done": "no", "count": "true"}).json()
    assert counted["count"] == 2
    unknown = api.get("/api/tasks", {"asignee": 1})
    assert unknown.status_code == 422
    assert "asignee" in unknown.json()["errors"]


def test_the_list_pages_with_a_cursor_and_refuses_one_it_did_not_give(api, employee):
    tasks = [TaskFactory(due_date=_day(i), assignees=[employee]) for i in range(5)]
    first = api.get("/api/tasks", {"limit": 2}).json()
    second = api.get("/api/tasks", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [t["id"] for t in first["items"] + second["items"]] == [t.pk for t in tasks[:4]]
    stale = api.get("/api/tasks", {"limit": 2, "cursor": "bm90LWEtY3Vyc29y"})
    assert stale.status_code == 409
    assert "cursor" in stale.json()["errors"]


def test_done_and_reopen_and_a_stale_if_match_is_412(api, employee):
    task = TaskFactory(assignees=[employee])
    done = api.post(f"/api/tasks/{task.pk}/done", HTTP_IF_MATCH=f'"{task.pk}-1"')
    assert done.status_code == 200, done.content
    assert done.json()["done"] is True
    assert done.json()["done_by"] == employee.pk
    assert done["ETag"] == f'"{task.pk}-2"'
    assert api.post(f"/api/tasks/{task.pk}/done").status_code == 409  # done already
    stale = api.post(f"/api/tasks/{task.pk}/reopen", HTTP_IF_MATCH=f'"{task.pk}-1"')
    assert stale.status_code == 412
    assert stale["ETag"] == f'"{task.pk}-2"'
    reopened = api.post(f"/api/tasks/{task.pk}/reopen", HTTP_IF_MATCH=f'"{task.pk}-2"')
    assert reopened.status_code == 200
    assert reopened.json()["done"] is False


def test_patch_changes_only_what_is_sent(api, employee, manager):
    task = TaskFactory(subject="Stary", body="Treść", assignees=[employee])
    response = api.patch(f"/api/tasks/{task.pk}", {"subject": "Nowy", "assignees": [manager.pk]}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert (response.json()["subject"], response.json()["body"], response.json()["assignees"]) == (
        "Nowy", "Treść", [manager.pk],
    )  # fmt: skip


def test_deleting_is_for_managers(api, manager, employee):
    task = TaskFactory(assignees=[employee])
    assert api.delete(f"/api/tasks/{task.pk}").status_code == 403
    assert token_client(manager).delete(f"/api/tasks/{task.pk}").status_code == 204
    assert not Task.objects.exists()


def test_an_account_without_a_role_may_not_read_tasks(outsider):
    task = TaskFactory()
    api = token_client(outsider)
    assert api.get(f"/api/tasks/{task.pk}").status_code == 403
