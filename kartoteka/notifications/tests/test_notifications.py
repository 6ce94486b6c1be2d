"""Notifications: on the bell (its count added to the jobs'), a page listing them, mark read."""

import pytest
from django.urls import reverse

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.notifications.models import Notification
from kartoteka.notifications.services import notification_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _note(user, text="Zadanie wykonane", **kw):
    return notification_create(recipient=user, kind="planner.task_done", text=text, link="/tasks/mine/", **kw)


def test_unread_notifications_show_on_the_bell_with_their_count(employee_client, employee, manager):
    _note(employee, "Oddzwonić — Anna Nowak")
    _note(employee)
    _note(manager, "Cudze")
    bell = employee_client.get(reverse("jobs:bell")).content.decode()
    assert 'id="job-bell-count">2<' in bell
    assert "Oddzwonić — Anna Nowak" in bell
    assert "Cudze" not in bell
    assert f'href="{reverse("notifications:list")}"' in bell


def test_opening_one_marks_it_read_and_follows_its_link(employee_client, employee):
    note = _note(employee)
    response = employee_client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302
    assert response.url == "/tasks/mine/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "job-bell-count" not in employee_client.get(reverse("jobs:bell")).content.decode()


def test_the_page_lists_them_and_marks_one_or_all_read(employee_client, employee):
    first, second, third = _note(employee, "A"), _note(employee, "B"), _note(employee, "C")
    page = employee_client.get(reverse("notifications:list")).content.decode()
    assert page.index(">C<") < page.index(">A<")  # newest first
    assert all(f'data-notification-id="{n.pk}"' in page for n in (first, second, third))
    employee_client.post(reverse("notifications:read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    response = employee_client.post(reverse("notifications:read_all"), HTTP_HX_REQUEST="true")
    assert 'id="notification-list"' in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_no_one_reads_or_opens_anothers_notifications(employee_client, manager):
    theirs = _note(manager)
    assert employee_client.get(reverse("notifications:open", args=[theirs.pk])).url == reverse("notifications:list")
    employee_client.post(reverse("notifications:read", args=[theirs.pk]))
    employee_client.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_clients_notifications_go_with_it_when_it_is_deleted(administrator, employee):
    from django.utils import timezone

    from kartoteka.clients import services as client_services

    client = ClientFactory(status="inactive", archived_at=timezone.now())
    _note(employee, client=client)
    client_services.client_delete(actor=administrator, client=client)
    assert not Notification.objects.exists()
