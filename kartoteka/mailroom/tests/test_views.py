"""The Korespondencja page, the client's Poczta tab, the dialogs, the scan download and "Show mail"."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts.tests.factories import ContactPersonFactory
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.tests.factories import MailItemFactory
from kartoteka.mailroom.tests.files import ELF, MZ, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _row_ids(response) -> list[int]:
    return [int(i) for i in re.findall(r'data-mail-id="(\d+)"', response.content.decode())]


def test_the_correspondence_page_lists_all_mail_newest_first_and_filters_by_client(employee_client):
    archived = ClientFactory(status="inactive", archived_at=timezone.now())
    old = MailItemFactory(client=archived, received_on=dt.date(2025, 1, 1))
    new = MailItemFactory(received_on=dt.date(2025, 3, 1))
    page = employee_client.get(reverse("mailroom:list"))
    assert page.status_code == 200
    assert _row_ids(page) == [new.pk, old.pk]
    assert 'id="nav-mail"' in page.content.decode()
    filtered = employee_client.get(reverse("mailroom:list"), {"client": archived.pk})
    assert _row_ids(filtered) == [old.pk]
    body = filtered.content.decode()
    assert 'id="filter-client-archived"' in body  # an archived client's mail is listed, and says so
    assert f'id="pickup-check-{archived.pk}"' in body  # the mail desk's check for that client


def test_search_status_type_and_days_filter_the_page(employee_client):
    MailItemFactory(sender="Urząd Skarbowy", received_on=dt.date(2025, 1, 5))
    wanted = MailItemFactory(sender="Sąd Rejonowy", kind="registered", received_on=dt.date(2025, 2, 5))
    url = reverse("mailroom:list")
    assert _row_ids(employee_client.get(url, {"q": "sad"})) == [wanted.pk]
    assert _row_ids(employee_client.get(url, {"kind": "registered"})) == [wanted.pk]
    assert _row_ids(employee_client.get(url, {"received_from": "2025-02-01"})) == [wanted.pk]
    assert _row_ids(employee_client.get(url, {"status": "collected"})) == []
    bad = employee_client.get(url, {"received_from": "yesterday"})
    assert "Enter a date as YYYY-MM-DD." in bad.content.decode()


def test_the_page_costs_the_same_queries_for_5_or_50_rows(employee_client):
    for _ in range(5):
        MailItemFactory()
    url = reverse("mailroom:list")
    employee_client.get(url)
    with CaptureQueriesContext(connection) as few:
        employee_client.get(url)
    for _ in range(45):
        MailItemFactory(client=ClientFactory())
    with CaptureQueriesContext(connection) as many:
        employee_client.get(url)
    assert len(many) == len(few)


def test_the_poczta_tab_lists_the_clients_mail_and_the_options_menu_offers_it(employee_client):
    client = ClientFactory()
    mine = MailItemFactory(client=client)
    MailItemFactory()
    tab = employee_client.get(reverse("mailroom:client_tab", args=[client.pk]))
    assert tab.status_code == 200
    assert _row_ids(tab) == [mine.pk]
    assert 'data-tab="mail"' in tab.content.decode()
    client_list = employee_client.get(reverse("clients:list")).content.decode()
    assert 'data-menu-tab="mail"' in client_list
    assert "Show mail" in client_list


def test_the_archives_envelope_opens_correspondence_filtered_to_that_client(manager_client):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    archive = manager_client.get(reverse("clients:archive")).content.decode()
    assert f'href="{reverse("mailroom:list")}?client={client.pk}"' in archive


def test_registering_mail_from_the_tab_dialog_shows_it_without_a_reload(employee_client):
    client = ClientFactory()
    url = reverse("mailroom:create") + f"?client={client.pk}"
    dialog = employee_client.get(url, headers={"HX-Request": "true"})
    assert 'class="modal fade"' in dialog.content.decode()
    response = employee_client.post(
        url, {"sender": "Poczta Polska", "kind": "parcel", "received_on": ""}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert "kt-mail-changed" in response["HX-Trigger"]
    item = MailItem.objects.get()
    assert (item.client, item.sender, item.kind) == (client, "Poczta Polska", "parcel")


def test_registering_by_client_number_names_a_wrong_number(employee_client):
    response = employee_client.post(reverse("mailroom:create"), {"client": "99999", "sender": "X"})
    assert "There is no client with this number." in response.content.decode()
    assert not MailItem.objects.exists()


def test_the_collect_dialog_offers_only_those_who_may_collect_and_hands_over(employee_client, employee):
    item = MailItemFactory()
    allowed = ContactPersonFactory(client=item.client, first_name="Anna", last_name="Nowak", may_collect_mail=True)
    ContactPersonFactory(client=item.client, first_name="Piotr", last_name="Zakazany", may_collect_mail=False)
    url = reverse("mailroom:collect", args=[item.pk])
    dialog = employee_client.get(url).content.decode()
    assert "Anna Nowak" in dialog
    assert "Zakazany" not in dialog
    response = employee_client.post(url, {"contact": allowed.pk, "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.collected_by_name, item.handed_over_by) == ("collected", "Anna Nowak", employee)


def test_the_collect_dialog_refuses_someone_else_with_a_message_on_the_field(employee_client):
    item = MailItemFactory()
    ContactPersonFactory(client=item.client, may_collect_mail=True)
    stranger = ContactPersonFactory(may_collect_mail=True)
    response = employee_client.post(reverse("mailroom:collect", args=[item.pk]), {"contact": stranger.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()  # not even offered
    item.refresh_from_db()
    assert item.status == "received"


@pytest.mark.parametrize("content", [ELF, MZ])
def test_an_executable_renamed_pdf_is_refused_in_the_scan_dialog(employee_client, content):
    item = MailItemFactory()
    response = employee_client.post(
        reverse("mailroom:scan", args=[item.pk]),
        {"scan": SimpleUploadedFile("faktura.pdf", content, "application/pdf")},
    )
    assert response.status_code == 200
    assert "Attach a PDF, JPEG or PNG file" in response.content.decode()
    item.refresh_from_db()
    assert item.scan_file == ""


def test_an_oversized_scan_is_refused_in_the_dialog(employee_client, settings):
    settings.KARTOTEKA_MAIL_SCAN_MAX_BYTES = 20
    item = MailItemFactory()
    response = employee_client.post(
        reverse("mailroom:scan", args=[item.pk]), {"scan": SimpleUploadedFile("a.png", png_bytes())}
    )
    assert "The file is too large" in response.content.decode()
    item.refresh_from_db()
    assert item.scan_file == ""


def test_a_scan_is_served_to_staff_only_with_its_real_type(employee_client, client, outsider):
    item = MailItemFactory()
    employee_client.post(reverse("mailroom:scan", args=[item.pk]), {"scan": SimpleUploadedFile("a.pdf", png_bytes())})
    item.refresh_from_db()
    url = reverse("mailroom:scan_file", args=[item.pk])
    response = employee_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == png_bytes()
    client.force_login(outsider)
    assert client.get(url).status_code in (403, 404)
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_another_items_id_in_the_scan_url_shows_nothing_of_it(employee_client):
    item = MailItemFactory()
    other = MailItemFactory()  # no scan
    employee_client.post(reverse("mailroom:scan", args=[item.pk]), {"scan": SimpleUploadedFile("a.png", png_bytes())})
    assert employee_client.get(reverse("mailroom:scan_file", args=[other.pk])).status_code == 404
    assert employee_client.get(reverse("mailroom:scan_file", args=[999999])).status_code == 404


def test_deleting_mail_is_offered_to_managers_only(employee, manager_client):
    employee_client = HttpClient()
    employee_client.force_login(employee)
    item = MailItemFactory()
    url = reverse("mailroom:delete", args=[item.pk])
    assert employee_client.post(url).status_code == 403
    assert 'data-mail-action="delete"' not in employee_client.get(reverse("mailroom:list")).content.decode()
    assert 'data-mail-action="delete"' in manager_client.get(reverse("mailroom:list")).content.decode()
    assert manager_client.post(url, {"version": item.version}).status_code == 302
    assert not MailItem.objects.exists()
    assert AuditEvent.objects.filter(event_type="mailroom.mail.deleted").exists()


def test_mail_events_read_plainly_on_the_history_tab(employee_client, employee):
    item = MailItemFactory(sender="Sąd Okręgowy")
    person = ContactPersonFactory(client=item.client, first_name="Anna", last_name="Nowak", may_collect_mail=True)
    employee_client.post(reverse("mailroom:collect", args=[item.pk]), {"contact": person.pk})
    history = employee_client.get(reverse("clients:history", args=[item.client_id])).content.decode()
    assert "Mail collected by Anna Nowak: Sąd Okręgowy" in history


def test_the_page_counts_matches_up_to_a_cap(employee_client, monkeypatch):
    from kartoteka.mailroom import views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    for _ in range(5):
        MailItemFactory()
    body = employee_client.get(reverse("mailroom:list")).content.decode()
    assert '<span id="match-count">&gt; 3</span>' in body
    body = employee_client.get(reverse("mailroom:list"), {"kind": "parcel"}).content.decode()
    assert '<span id="match-count">0</span>' in body
