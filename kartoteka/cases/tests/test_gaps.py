"""Issue 7's remaining gaps in cases: readable History entries, a delete confirmation that works
without JavaScript, and odd input answered per field — never a 500."""

import json
import re

import pytest
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.cases import services
from kartoteka.cases.models import Case
from kartoteka.cases.tests.factories import CaseFactory
from kartoteka.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _changes(html: str) -> list[str]:
    """The History tab's change lines as a user reads them: 'Title: A → B'."""
    cells = re.findall(r'<td class="history-change small">(.*?)</td>', html, re.S)
    return [re.sub(r"<[^>]+>", "", line) for cell in cells for line in re.findall(r"<div>(.*?)</div>", cell, re.S)]


def test_the_clients_history_reads_case_changes_with_labels_and_values_in_words(employee_client, employee):
    client = ClientFactory()
    employee_client.post(f"/clients/{client.pk}/cases/new/", {"title": "A", "opened_at": "2025-03-04"})
    case = Case.objects.get()
    services.case_update(actor=employee, case=case, data={"title": "B"})
    services.case_close(actor=employee, case=case)
    html = employee_client.get(f"/clients/{client.pk}/history/").content.decode()
    lines = _changes(html)
    assert "Title: A → B" in lines
    assert "Status: Open → Closed" in lines
    assert "Opened: ∅ → 2025-03-04 00:00" in lines
    assert f"Owner: ∅ → {employee}" in lines
    assert "Case changed: B" in html


def test_the_history_reads_polish_labels_in_polish(client, employee, settings):
    settings.LANGUAGE_CODE = "pl"
    client.force_login(employee)
    customer = ClientFactory()
    case = CaseFactory(client=customer, title="A")
    services.case_update(actor=employee, case=case, data={"title": "B"})
    services.case_close(actor=employee, case=case)
    html = client.get(f"/clients/{customer.pk}/history/").content.decode()
    lines = _changes(html)
    assert "Tytuł: A → B" in lines
    assert "Status: Otwarta → Zamknięta" in lines


def test_contact_person_changes_read_with_the_persons_labels(employee_client, employee):
    from kartoteka.contacts import services as contacts

    client = ClientFactory()
    person = contacts.contact_create(actor=employee, client=client, data={"first_name": "Jan", "last_name": "Nowak"})
    contacts.contact_update(actor=employee, contact=person, data={"phone": "600123456", "may_collect_mail": True})
    lines = _changes(employee_client.get(f"/clients/{client.pk}/history/").content.decode())
    assert "Phone: ∅ → 600 123 456" in lines
    assert "May collect mail: no → yes" in lines


def test_deleting_a_case_asks_on_a_plain_page_first_managers_only(manager_client, manager, employee):
    case = CaseFactory()
    detail = manager_client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/delete/"' in detail  # a link: no JavaScript needed to get asked
    page = manager_client.get(f"/cases/{case.pk}/delete/")
    assert page.status_code == 200
    assert "for good?" in page.content.decode()
    assert Case.objects.filter(pk=case.pk).exists()  # asking deletes nothing
    deleted = manager_client.post(f"/cases/{case.pk}/delete/", {"version": case.version})
    assert deleted.status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists()


def test_an_employee_gets_no_delete_confirmation(employee_client):
    case = CaseFactory()
    assert employee_client.get(f"/cases/{case.pk}/delete/").status_code == 403
    assert employee_client.post(f"/cases/{case.pk}/delete/").status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize("version", ["²", "99999999999999999999", "-1", "x"])
def test_a_tampered_version_is_refused_not_a_500(manager_client, version):
    case = CaseFactory()
    for url in (f"/cases/{case.pk}/delete/", f"/cases/{case.pk}/close/"):
        assert manager_client.post(url, {"version": version}).status_code == 302
    edit = manager_client.post(f"/cases/{case.pk}/edit/", {"title": "Nowy", "version": version})
    assert edit.status_code == 200
    assert Case.objects.get(pk=case.pk).title == case.title


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"owner": 987654}, "owner", "There is no active staff member with this id."),
        ({"opened_at": "1899-12-31"}, "opened_at", "Enter a date from 1900-01-01 to 2999-12-31."),
        ({"opened_at": "9999-12-31T23:59:59+14:00"}, "opened_at", "Enter a date from 1900-01-01 to 2999-12-31."),
        ({"opened_at": "0001-01-01T00:00:00-12:00"}, "opened_at", "Enter a date from 1900-01-01 to 2999-12-31."),
        ({"opened_at": "2026-02-30"}, "opened_at", "Enter a date as YYYY-MM-DD."),
        ({"opened_at": "2999-01-01"}, "opened_at", "A case cannot be opened in the future."),
        ({"title": " \u00a0 "}, "title", "Enter the case's title."),
    ],
)
def test_odd_values_get_a_422_on_their_field(employee, data, field, message):
    case = CaseFactory()
    response = token_client(employee).patch(f"/api/cases/{case.pk}", json.dumps(data), content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}


def test_opening_a_closed_case_after_its_closing_is_a_422(employee):
    case = CaseFactory(status="closed", closed_at=timezone.now().replace(year=2024))
    response = token_client(employee).patch(
        f"/api/cases/{case.pk}", json.dumps({"opened_at": "2025-01-01"}), content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"opened_at": ["A case cannot be opened after it was closed."]}


def test_the_document_states_the_days_and_ids_the_service_takes():
    from kartoteka.api.api import api

    schema = api.get_openapi_schema()["components"]["schemas"]
    owner = schema["CaseIn"]["properties"]["owner"]["anyOf"][0]
    assert (owner["minimum"], owner["maximum"]) == (1, 2**63 - 1)
    day = schema["CaseIn"]["properties"]["opened_at"]
    assert (day["type"], day["format"]) == ("string", "date")  # a change: a day, never empty or null
    today = timezone.localdate()
    assert re.fullmatch(day["pattern"], today.isoformat())
    assert not re.fullmatch(day["pattern"], today.replace(year=today.year + 1).isoformat())
    assert not re.fullmatch(day["pattern"], "1899-12-31")
