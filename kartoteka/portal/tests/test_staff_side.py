"""Staff side of portal accounts: bulk block / unblock (set-based, per-client outcomes, one audit
entry), the has_portal filter in the list, its count, the API and bulk selections, the list's
Integracje mark, and the portal-users API."""

import pytest
from django.test import Client as HttpClient
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.audit.models import AuditEvent
from kartoteka.bulk.services import bulk_run
from kartoteka.clients.models import Client
from kartoteka.clients.selectors import ClientSelection
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.portal.models import PortalUser
from kartoteka.portal.tests.conftest import portal_login
from kartoteka.portal.tests.factories import PortalUserFactory, portal_logged_in

JSON = "application/json"


@pytest.fixture
def clients(db):
    """Two clients with portal users (one of them with a blocked one too), one without."""
    a, b, none = ClientFactory(), ClientFactory(), ClientFactory()
    PortalUserFactory(client=a)
    PortalUserFactory(client=a, blocked_at=timezone.now())
    PortalUserFactory(client=b)
    return a, b, none


def _bulk(actor, action, ids):
    return bulk_run(
        actor=actor, action_name=action, list_name="clients", selection=ClientSelection(ids=tuple(ids)), params={}
    )


def test_bulk_block_and_unblock_report_per_client_and_end_sessions(clients, manager, django_assert_max_num_queries):
    a, b, none = clients
    session = portal_logged_in(b.portal_users.get())
    with django_assert_max_num_queries(40):
        outcome = _bulk(manager, "block_users", [a.pk, b.pk, none.pk])
    assert outcome.report["changed"] == 2
    assert outcome.report["skipped"] == {"no_portal_users": 1}
    assert not PortalUser.objects.filter(blocked_at__isnull=True).exists()
    assert session.get(reverse("portal:home")).status_code == 302  # logged out at once
    event = AuditEvent.objects.get(event_type="portal.users.blocked")
    assert set(event.targets.values_list("client_id", flat=True)) == {a.pk, b.pk}

    again = _bulk(manager, "block_users", [a.pk, b.pk])
    assert again.report["changed"] == 0
    assert again.report["skipped"] == {"users_blocked": 2}
    back = _bulk(manager, "unblock_users", [a.pk, none.pk])
    assert back.report["changed"] == 1
    assert back.report["skipped"] == {"no_portal_users": 1}
    assert a.portal_users.filter(blocked_at__isnull=True).count() == 2
    assert b.portal_users.get().is_blocked
    assert portal_login(HttpClient(), a.portal_users.first().email).status_code == 302


def test_bulk_block_queries_do_not_grow_with_the_selection(manager, django_assert_max_num_queries):
    few = [PortalUserFactory().client_id for _ in range(2)]
    many = [PortalUserFactory().client_id for _ in range(20)]
    with django_assert_max_num_queries(40) as small:
        _bulk(manager, "block_users", few)
    with django_assert_max_num_queries(len(small.captured_queries)):
        _bulk(manager, "block_users", many)


def test_bulk_block_needs_a_manager(clients, employee_client):
    a, _b, _none = clients
    response = employee_client.post(
        reverse("bulk:run", args=["block_users"]), {"ids": [a.pk], "mode": "ids", "list": "clients"}
    )
    assert response.status_code == 403


def test_has_portal_agrees_in_list_count_api_and_bulk(clients, manager, manager_client):
    a, b, none = clients
    api = token_client(manager)
    for value, expected in (("yes", {a.pk, b.pk}), ("no", {none.pk})):
        page = manager_client.get(reverse("clients:list") + f"?has_portal={value}")
        assert {c.pk for c in page.context["clients"]} == expected
        count = manager_client.get(reverse("clients:count") + f"?has_portal={value}")
        assert count.content.decode().strip() == str(len(expected))
        listed = api.get(f"/api/clients?has_portal={value}&count=true").json()
        assert {c["id"] for c in listed["items"]} == expected
        assert listed["count"] == len(expected)
        bulk = api.post(
            "/api/clients/bulk/set_status", {"filter": {"has_portal": value}, "status": "inactive"}, content_type=JSON
        )
        assert bulk.json()["changed"] == len(expected)
        assert set(Client.objects.filter(status="inactive").values_list("id", flat=True)) == expected
        Client.objects.update(status="active")
    bad = api.get("/api/clients?has_portal=maybe")
    assert bad.status_code == 422
    assert "has_portal" in bad.json()["errors"]


def test_list_marks_clients_with_a_portal_account_in_one_query(manager_client, clients, django_assert_max_num_queries):
    a, _b, none = clients
    html = manager_client.get(reverse("clients:list")).content.decode()
    assert html.count('data-integration="portal"') == 2
    assert reverse("cases:client_tab", args=[a.pk]) in html
    assert reverse("cases:client_tab", args=[none.pk]) not in html
    ClientFactory.create_batch(10)
    PortalUserFactory.create_batch(10)
    with django_assert_max_num_queries(11):  # the list page (10, with the attributes) + the Integracje marks
        manager_client.get(reverse("clients:list"))


def test_portal_users_api(manager, employee, inbox):
    client = ClientFactory()
    api, staff_api = token_client(manager), token_client(employee)
    url = f"/api/clients/{client.pk}/portal-users"
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = staff_api.post(url, {"email": "Api.User@Example.pl", "name": "Api"}, content_type=JSON)
    assert created.status_code == 201
    body = created.json()
    assert body["email"] == "api.user@example.pl"
    assert body["state"] == "invited"
    assert body["client"] == client.pk
    assert len(inbox.messages) == 1
    assert staff_api.post(url, {"email": "zły"}, content_type=JSON).status_code == 422
    assert staff_api.post(url, {"email": "a@example.pl", "extra": 1}, content_type=JSON).status_code == 422
    assert [u["email"] for u in staff_api.get(url).json()["items"]] == ["api.user@example.pl"]
    user_id = body["id"]
    assert staff_api.post(f"/api/portal-users/{user_id}/block").status_code == 403
    blocked = api.post(f"/api/portal-users/{user_id}/block")
    assert blocked.status_code == 200
    assert blocked.json()["state"] == "blocked"
    assert api.post(f"/api/portal-users/{user_id}/block").status_code == 409
    assert api.post(f"/api/portal-users/{user_id}/unblock").json()["state"] == "invited"
    assert api.post("/api/portal-users/999999/block").status_code == 404
    assert api.get("/api/clients/999999/portal-users").status_code == 404
