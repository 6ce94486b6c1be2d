"""Bulk actions and the archive through the REST API, as an integration uses them."""

import pytest
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.audit.models import AuditEvent
from kartoteka.clients.models import Client, Note
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory, NoteFactory
from kartoteka.jobs.models import Job

JSON = "application/json"


@pytest.fixture
def api(manager):
    return token_client(manager)


@pytest.fixture
def admin_api(administrator):
    return token_client(administrator)


def archived(**kwargs):
    return ClientFactory(status="inactive", archived_at=timezone.now(), **kwargs)


def test_bulk_archive_by_ids_answers_with_the_report(api):
    live, old = ClientFactory(), archived()
    response = api.post("/api/clients/bulk/archive", {"ids": [live.id, old.id]}, content_type=JSON)
    assert response.status_code == 200
    assert response.json() == {"action": "archive", "selected": 1, "changed": 1, "skipped": {"not_on_list": 1}}
    assert Client.objects.get(pk=live.pk).archived_at is not None


def test_bulk_action_over_everything_matching_a_filter(api):
    group = ClientGroupFactory()
    members = ClientFactory.create_batch(2, groups=[group])
    ClientFactory()
    label = LabelFactory()
    response = api.post(
        "/api/clients/bulk/label_add", {"filter": {"group": group.id}, "label": label.id}, content_type=JSON
    )
    assert response.json()["changed"] == 2
    assert set(label.clients.values_list("id", flat=True)) == {m.id for m in members}


@pytest.mark.parametrize(
    ("action", "params", "check"),
    [
        ("group_add", lambda g, lb: {"group": g.id}, lambda c, g, lb: list(c.groups.all()) == [g]),
        ("label_add", lambda g, lb: {"label": lb.id}, lambda c, g, lb: list(c.labels.all()) == [lb]),
        ("set_status", lambda g, lb: {"status": "inactive"}, lambda c, g, lb: c.status == "inactive"),
    ],
)
def test_every_client_list_action_is_an_endpoint(api, action, params, check):
    group, label = ClientGroupFactory(), LabelFactory()
    client = ClientFactory()
    response = api.post(f"/api/clients/bulk/{action}", {"ids": [client.id], **params(group, label)}, content_type=JSON)
    assert response.status_code == 200, response.json()
    client.refresh_from_db()
    assert check(client, group, label)


def test_removing_memberships_through_the_api(api):
    group, label = ClientGroupFactory(), LabelFactory()
    client = ClientFactory(groups=[group], labels=[label])
    api.post("/api/clients/bulk/group_remove", {"ids": [client.id], "group": group.id}, content_type=JSON)
    api.post("/api/clients/bulk/label_remove", {"ids": [client.id], "label": label.id}, content_type=JSON)
    assert not client.groups.exists()
    assert not client.labels.exists()


def test_bulk_restore_and_delete_work_on_the_archive(admin_api):
    old, doomed = archived(), archived()
    NoteFactory(client=doomed)
    assert admin_api.post("/api/clients/bulk/restore", {"ids": [old.id]}, content_type=JSON).json()["changed"] == 1
    refused = admin_api.post("/api/clients/bulk/delete", {"ids": [doomed.id]}, content_type=JSON)
    assert refused.status_code == 422
    assert "confirm_count" in refused.json()["errors"]
    done = admin_api.post("/api/clients/bulk/delete", {"ids": [doomed.id], "confirm_count": 1}, content_type=JSON)
    assert done.json()["changed"] == 1
    assert not Client.objects.filter(pk=doomed.pk).exists()
    assert not Note.objects.filter(client_id=doomed.pk).exists()


def test_bad_requests_get_a_message_per_field(api):
    client = ClientFactory()
    both = api.post("/api/clients/bulk/archive", {"ids": [client.id], "filter": {}}, content_type=JSON)
    assert both.status_code == 422
    assert "ids" in both.json()["errors"]
    no_group = api.post("/api/clients/bulk/group_add", {"ids": [client.id]}, content_type=JSON)
    assert no_group.status_code == 422
    assert "group" in no_group.json()["errors"]
    bad_filter = api.post("/api/clients/bulk/archive", {"filter": {"status": "gone"}}, content_type=JSON)
    assert "filter.status" in bad_filter.json()["errors"]
    assert api.post("/api/clients/bulk/nonexistent", {"ids": [1]}, content_type=JSON).status_code == 404
    assert not AuditEvent.objects.filter(event_type__startswith="clients.client").exists()


def test_a_large_selection_answers_202_with_the_job_to_poll(api, settings):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    ClientFactory.create_batch(3)
    response = api.post("/api/clients/bulk/archive", {"filter": {}}, content_type=JSON)
    assert response.status_code == 202
    body = response.json()
    job = Job.objects.get(pk=body["job_id"])
    assert (body["status"], body["total"], body["url"]) == ("queued", 3, f"/api/jobs/{job.pk}")
    assert api.get(body["url"]).json()["status"] == "queued"


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_only_administrators_delete_permanently_through_the_api(request, role):
    http = token_client(request.getfixturevalue(role))
    old = archived()
    assert http.delete(f"/api/clients/{old.id}").status_code == 403
    body = {"ids": [old.id], "confirm_count": 1}
    assert http.post("/api/clients/bulk/delete", body, content_type=JSON).status_code == 403
    assert Client.objects.filter(pk=old.pk).exists()


def test_employee_may_not_run_bulk_actions(employee):
    client = ClientFactory()
    response = token_client(employee).post("/api/clients/bulk/set_status", {"ids": [client.id], "status": "inactive"},
                                    content_type=JSON)  # fmt: skip
    assert response.status_code == 403


def test_archive_restore_and_delete_one_client(api, admin_api):
    client = ClientFactory()
    archived_body = api.post(f"/api/clients/{client.id}/archive")
    assert archived_body.status_code == 200
    assert archived_body.json()["status"] == "inactive"
    assert api.post(f"/api/clients/{client.id}/archive").status_code == 409  # already there
    assert api.get("/api/archive").json()["items"][0]["id"] == client.id
    assert client.id not in [c["id"] for c in api.get("/api/clients").json()["items"]]

    restored = api.post(f"/api/clients/{client.id}/restore")
    assert restored.json()["status"] == "active"
    assert admin_api.delete(f"/api/clients/{client.id}").status_code == 409  # not in the archive
    api.post(f"/api/clients/{client.id}/archive")
    assert admin_api.delete(f"/api/clients/{client.id}").status_code == 204
    assert admin_api.get(f"/api/clients/{client.id}").status_code == 404
    assert AuditEvent.objects.filter(event_type="clients.client.deleted", client_id=client.id).exists()


def test_archive_list_has_the_client_lists_parameters_and_envelope(api):
    archived(last_name="Zielińska")
    archived(last_name="Malinowski")
    ClientFactory(last_name="Zielonka")
    body = api.get("/api/archive", {"q": "zielin", "count": "true"}).json()
    assert [c["last_name"] for c in body["items"]] == ["Zielińska"]
    assert body["count"] == 1
    assert body["next_cursor"] is None
    page = api.get("/api/archive", {"limit": 1}).json()
    assert len(page["items"]) == 1
    assert page["next_cursor"]
    assert len(api.get("/api/archive", {"limit": 1, "cursor": page["next_cursor"]}).json()["items"]) == 1


def test_openapi_lists_one_endpoint_per_registered_action(db, client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for name in ("archive", "restore", "delete", "group_add", "group_remove", "label_add", "label_remove",
                 "set_status"):  # fmt: skip
        assert "post" in paths[f"/api/clients/bulk/{name}"]
    assert "delete" in paths["/api/clients/{client_id}"]
    assert "get" in paths["/api/archive"]
    assert "get" in paths["/api/jobs/{job_id}"]


def test_a_misspelt_filter_is_refused_and_changes_nothing(api):
    clients = [ClientFactory() for _ in range(3)]
    response = api.post("/api/clients/bulk/archive", {"filter": {"grup": 3}}, content_type=JSON)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["filter.grup"]
    assert not Client.objects.filter(pk__in=[c.pk for c in clients], archived_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("name", "value"), [("group", "x"), ("group", str(2**63)), ("created_to", "9999-12-31"), ("q", "a\u0000")]
)
def test_a_bad_filter_value_is_named_as_the_filters(api, name, value):
    group = ClientGroupFactory()
    response = api.post("/api/clients/bulk/group_add", {"filter": {name: value}, "group": group.pk}, content_type=JSON)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [f"filter.{name}"]


def test_unknown_api_path_answers_json_404(api):
    response = api.post("/api/clients/bulk/no-such-action", {}, content_type=JSON)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_archived_client_shows_when_it_was_archived(api):
    client = archived()
    assert api.get(f"/api/clients/{client.pk}").json()["archived_at"] is not None
