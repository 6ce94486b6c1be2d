"""The Sprawy page, the client's Sprawy tab, the Client tab's open-case count and the case form."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.cases.models import Case
from kartoteka.cases.tests.factories import CaseFactory
from kartoteka.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _row_ids(response) -> list[int]:
    return [int(i) for i in re.findall(r'data-case-id="(\d+)"', response.content.decode())]


def test_the_client_tab_shows_the_number_of_open_cases_and_the_cases_tab_its_badge(employee_client):
    client = ClientFactory()
    CaseFactory(client=client)
    CaseFactory(client=client)
    CaseFactory(client=client, status="closed", closed_at=timezone.now())
    CaseFactory()  # another client's
    page = employee_client.get(f"/clients/{client.pk}/").content.decode()
    found = re.search(r'data-fact="open_cases".*?</div>', page, re.S)
    assert found
    fact = found.group(0)
    assert "Open cases" in fact
    assert f'href="/clients/{client.pk}/cases/">2</a>' in fact
    assert re.search(r'data-tab="cases"[^>]*>Cases <span class="badge[^"]*">2</span>', page)


def test_the_cases_tab_lists_the_clients_cases_sortable_by_every_column(employee_client, employee, manager):
    client = ClientFactory()
    b = CaseFactory(client=client, title="Beta", owner=manager, opened_at=timezone.now() - dt.timedelta(days=3))
    a = CaseFactory(client=client, title="Łata", owner=employee, status="closed", closed_at=timezone.now())
    c = CaseFactory(client=client, title="alfa", owner=None, opened_at=timezone.now() - dt.timedelta(days=9))
    CaseFactory(title="Cudza")
    url = f"/clients/{client.pk}/cases/"
    assert _row_ids(employee_client.get(url)) == [c.pk, a.pk, b.pk]  # newest first
    assert _row_ids(employee_client.get(url + "?sort=title")) == [c.pk, b.pk, a.pk]  # Ł among the L's
    assert _row_ids(employee_client.get(url + "?sort=-title")) == [a.pk, b.pk, c.pk]
    assert _row_ids(employee_client.get(url + "?sort=status")) == [a.pk, b.pk, c.pk]  # closed, open
    assert _row_ids(employee_client.get(url + "?sort=opened_at")) == [c.pk, b.pk, a.pk]
    assert _row_ids(employee_client.get(url + "?sort=closed_at")) == [a.pk, b.pk, c.pk]
    assert _row_ids(employee_client.get(url + "?sort=owner")) == [c.pk, a.pk, b.pk]  # no owner, employee1, manager1
    page = employee_client.get(url + "?sort=title").content.decode()
    for column in ("id", "title", "status", "owner", "opened_at", "closed_at"):
        assert f"sort={column}" in page or f"sort=-{column}" in page


def test_a_sort_on_the_tab_renders_only_the_tab_for_htmx(employee_client):
    client = ClientFactory()
    CaseFactory(client=client)
    response = employee_client.get(f"/clients/{client.pk}/cases/?sort=title", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="case-tab"' in body
    assert "<html" not in body


def test_the_sprawy_page_filters_with_chips_and_canonical_urls(employee_client, employee, manager):
    anna = ClientFactory(first_name="Anna", last_name="Łukasik")
    mine = CaseFactory(client=anna, title="Umowa najmu", owner=employee)
    closed = CaseFactory(title="Reklamacja", owner=manager, status="closed", closed_at=timezone.now())
    assert set(_row_ids(employee_client.get("/cases/"))) == {mine.pk, closed.pk}
    response = employee_client.get("/cases/?status=closed")
    assert _row_ids(response) == [closed.pk]
    assert 'data-filter="status"' in response.content.decode()
    response = employee_client.get(f"/cases/?owner={employee.pk}&q=lukasik")
    assert _row_ids(response) == [mine.pk]
    page = response.content.decode()
    assert 'data-filter="owner"' in page
    assert str(employee) in page
    assert _row_ids(employee_client.get(f"/cases/?client={anna.pk}")) == [mine.pk]
    assert "Anna Łukasik" in employee_client.get(f"/cases/?client={anna.pk}").content.decode()
    pushed = employee_client.get("/cases/?status=closed&q=&owner=", headers={"HX-Request": "true"})
    assert pushed["HX-Push-Url"] == "/cases/?status=closed"


def test_bad_parameters_on_the_page_are_shown_not_a_500(employee_client):
    CaseFactory()
    response = employee_client.get("/cases/?owner=x&stauts=open")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a whole number (an id)." in page
    assert "Unknown filter" in page


def test_the_sprawy_page_pages_by_keyset(employee_client, settings):
    settings.KARTOTEKA_PAGE_SIZE = 2
    cases = [CaseFactory(title=f"S{i}") for i in range(5)]
    first = employee_client.get("/cases/?sort=title")
    assert _row_ids(first) == [cases[0].pk, cases[1].pk]
    found = re.search(r'id="next-page" href="([^"]+)"', first.content.decode())
    assert found
    next_url = found.group(1).replace("&amp;", "&")
    assert _row_ids(employee_client.get("/cases/" + next_url)) == [cases[2].pk, cases[3].pk]


@pytest.mark.parametrize("url", ["/cases/", "/cases/?sort=client&status=open", "/clients/{client}/cases/?sort=owner"])
def test_the_lists_cost_the_same_number_of_queries_for_3_and_30_cases(employee_client, employee, url):
    client = ClientFactory()

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert employee_client.get(url.format(client=client.pk)).status_code == 200
        return len(ctx)

    for _ in range(3):
        CaseFactory(client=client, owner=employee)
    few = queries()
    for i in range(27):
        CaseFactory(client=client if i % 2 else ClientFactory(), owner=employee)
    assert queries() == few


def test_adding_a_case_from_the_tab_with_a_message_per_bad_field(employee_client, employee):
    client = ClientFactory()
    form = employee_client.get(f"/clients/{client.pk}/cases/new/")
    assert form.status_code == 200
    bad = employee_client.post(f"/clients/{client.pk}/cases/new/", {"title": "", "opened_at": "jutro"})
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "Enter the case&#x27;s title." in page
    assert "Enter a date as YYYY-MM-DD." in page
    assert not Case.objects.exists()
    done = employee_client.post(
        f"/clients/{client.pk}/cases/new/", {"title": "Pozew", "owner": str(employee.pk), "opened_at": ""}
    )
    assert done.status_code == 302
    case = Case.objects.get()
    assert (case.title, case.client, case.owner) == ("Pozew", client, employee)


def test_an_edit_on_a_stale_form_is_refused_with_a_message(employee_client):
    case = CaseFactory(title="Początek")
    Case.objects.filter(pk=case.pk).update(title="Ktoś zmienił", version=2)
    response = employee_client.post(
        f"/cases/{case.pk}/edit/",
        {"title": "Moja zmiana", "opened_at": case.opened_at.date().isoformat(), "version": 1},
    )
    assert response.status_code == 200
    assert "Someone else changed this case meanwhile" in response.content.decode()
    case.refresh_from_db()
    assert case.title == "Ktoś zmienił"


def test_close_from_the_list_returns_to_it_and_reopen_works_too(employee_client):
    case = CaseFactory()
    back = f"/clients/{case.client_id}/cases/?sort=title"
    response = employee_client.post(f"/cases/{case.pk}/close/", {"version": case.version, "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    case.refresh_from_db()
    assert case.status == "closed"
    employee_client.post(f"/cases/{case.pk}/reopen/", {"next": "https://evil.example/"})
    case.refresh_from_db()
    assert case.status == "open"


def test_an_archived_clients_cases_show_without_change_buttons(employee_client):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    case = CaseFactory(client=client)
    tab = employee_client.get(f"/clients/{client.pk}/cases/").content.decode()
    assert 'id="add-case"' not in tab
    assert "data-case-action" not in tab
    detail = employee_client.get(f"/cases/{case.pk}/").content.decode()
    assert "data-case-action" not in detail
    assert employee_client.post(f"/clients/{client.pk}/cases/new/", {"title": "X"}).status_code == 302
    assert not Case.objects.filter(title="X").exists()


def test_case_changes_appear_in_the_clients_history(employee_client):
    client = ClientFactory()
    employee_client.post(f"/clients/{client.pk}/cases/new/", {"title": "Pozew"})
    case = Case.objects.get()
    employee_client.post(f"/cases/{case.pk}/close/", {"version": case.version})
    history = employee_client.get(f"/clients/{client.pk}/history/").content.decode()
    assert "Case opened" in history
    assert "Case closed" in history
    assert AuditEvent.objects.filter(client=client, event_type__startswith="cases.").count() == 2


def test_the_menu_links_the_sprawy_page(employee_client, outsider, client):
    assert 'id="nav-cases"' in employee_client.get("/clients/").content.decode()
