"""A portal user logs in only while not blocked and while the client is not in the archive;
archiving or blocking ends an open session at the next request, restoring or unblocking lets
them in again — whichever way the change is made."""

from django.test import Client as HttpClient
from django.urls import reverse

from kartoteka.bulk.services import bulk_run
from kartoteka.clients import services as client_services
from kartoteka.clients.selectors import ClientSelection
from kartoteka.portal import services
from kartoteka.portal.tests.conftest import portal_login

REFUSED = "cannot log in at the moment"


def _logged_out(http: HttpClient) -> bool:
    response = http.get(reverse("portal:home"))
    return response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_archiving_the_client_ends_the_session_and_restoring_lets_them_back(portal_client, portal_user, manager):
    assert not _logged_out(portal_client)
    client_services.client_archive(actor=manager, client=portal_user.client)
    assert _logged_out(portal_client)
    again = portal_login(HttpClient(), portal_user.email)
    assert again.status_code == 200
    assert REFUSED in again.content.decode()
    client_services.client_restore(actor=manager, client=portal_user.client)
    assert portal_login(HttpClient(), portal_user.email).status_code == 302


def test_blocking_ends_the_session_and_unblocking_lets_them_back(portal_client, portal_user, manager):
    services.portal_user_block(actor=manager, user=portal_user)
    assert _logged_out(portal_client)
    assert REFUSED in portal_login(HttpClient(), portal_user.email).content.decode()
    services.portal_user_unblock(actor=manager, user=portal_user)
    assert portal_login(HttpClient(), portal_user.email).status_code == 302


def test_bulk_archive_ends_the_session(portal_client, portal_user, manager):
    bulk_run(
        actor=manager,
        action_name="archive",
        list_name="clients",
        selection=ClientSelection(ids=(portal_user.client_id,)),
        params={},
    )
    assert _logged_out(portal_client)


def test_block_from_the_client_account_tab(portal_client, portal_user, manager_client):
    url = reverse("portal_staff:block", args=[portal_user.client_id, portal_user.pk])
    assert manager_client.post(url).status_code == 302
    assert _logged_out(portal_client)
    tab = manager_client.get(reverse("portal_staff:client_tab", args=[portal_user.client_id]))
    assert "Blocked" in tab.content.decode()
    manager_client.post(reverse("portal_staff:unblock", args=[portal_user.client_id, portal_user.pk]))
    assert portal_login(HttpClient(), portal_user.email).status_code == 302


def test_employee_may_not_block(employee_client, portal_user):
    url = reverse("portal_staff:block", args=[portal_user.client_id, portal_user.pk])
    assert employee_client.post(url).status_code == 403
    portal_user.refresh_from_db()
    assert not portal_user.is_blocked
