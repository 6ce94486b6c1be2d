"""Case services: rules, audit entries, validation messages, conditional writes, whole-client rules."""

import datetime as dt

import pytest
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.cases import services
from kartoteka.cases.models import Case
from kartoteka.cases.tests.factories import CaseFactory
from kartoteka.clients import services as client_services
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.errors import ApplicationError, PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _archived_client():
    return ClientFactory(status="inactive", archived_at=timezone.now())


def test_create_opens_the_case_owned_by_its_creator_and_records_it_in_the_clients_history(employee):
    client = ClientFactory()
    case = services.case_create(actor=employee, client=client, data={"title": "  Umowa   najmu ", "description": "x"})
    assert case.title == "Umowa najmu"
    assert case.status == Case.Status.OPEN
    assert case.owner == employee
    assert case.closed_at is None
    assert case.sort_title == "umowa najmu"
    event = AuditEvent.objects.get(event_type="cases.case.created")
    assert event.client_id == client.pk
    assert event.details["case_id"] == case.pk
    assert event.changes["title"] == [None, "Umowa najmu"]


def test_each_bad_field_gets_its_own_message_and_nothing_is_saved(employee):
    client = ClientFactory()
    with pytest.raises(ValidationError) as exc:
        services.case_create(
            actor=employee,
            client=client,
            data={"title": " ", "description": "a" * 20001, "owner": "999999", "opened_at": "31.12.2024"},
        )
    assert exc.value.message_dict == {
        "title": ["Enter the case's title."],
        "description": ["Use at most 20000 characters."],
        "owner": ["There is no active staff member with this id."],
        "opened_at": ["Enter a date as YYYY-MM-DD."],
    }
    assert not Case.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_case_cannot_be_opened_in_the_future(employee):
    tomorrow = (timezone.now() + dt.timedelta(days=2)).date().isoformat()
    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=employee, client=ClientFactory(), data={"title": "A", "opened_at": tomorrow})
    assert exc.value.message_dict == {"opened_at": ["A case cannot be opened in the future."]}


def test_close_sets_the_closed_date_and_reopen_clears_it_each_with_an_audit_entry(employee):
    case = CaseFactory()
    services.case_close(actor=employee, case=case)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.closed_at is not None
    assert case.version == 2
    with pytest.raises(ApplicationError, match="already closed"):
        services.case_close(actor=employee, case=case)

    services.case_reopen(actor=employee, case=case)
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert case.closed_at is None
    with pytest.raises(ApplicationError, match="already open"):
        services.case_reopen(actor=employee, case=case)
    types = list(AuditEvent.objects.filter(client=case.client).order_by("id").values_list("event_type", "changes"))
    assert types == [
        ("cases.case.closed", {"status": ["open", "closed"]}),
        ("cases.case.reopened", {"status": ["closed", "open"]}),
    ]


def test_update_records_only_what_changed(employee, manager):
    case = CaseFactory(title="Stary", owner=employee)
    services.case_update(actor=employee, case=case, data={"title": "Nowy", "owner": manager.pk, "description": ""})
    case.refresh_from_db()
    assert (case.title, case.owner, case.sort_title) == ("Nowy", manager, "nowy")
    event = AuditEvent.objects.get(event_type="cases.case.updated")
    assert event.changes == {"title": ["Stary", "Nowy"], "owner": [str(employee), str(manager)]}
    assert event.client_id == case.client_id


def test_an_edit_made_on_a_stale_copy_is_refused_and_the_other_edit_survives(employee):
    case = CaseFactory(title="Początek")
    mine, theirs = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    services.case_update(actor=employee, case=theirs, data={"title": "Ich zmiana"})
    with pytest.raises(services.StaleCase):
        services.case_update(actor=employee, case=mine, data={"title": "Moja zmiana"})
    with pytest.raises(services.StaleCase):
        services.case_close(actor=employee, case=mine)
    case.refresh_from_db()
    assert (case.title, case.status) == ("Ich zmiana", "open")


def test_the_cases_of_an_archived_client_are_read_only(employee, manager):
    client = _archived_client()
    case = CaseFactory(client=client)
    for call in (
        lambda: services.case_create(actor=employee, client=client, data={"title": "X"}),
        lambda: services.case_update(actor=employee, case=case, data={"title": "Y"}),
        lambda: services.case_close(actor=employee, case=case),
        lambda: services.case_delete(actor=manager, case=case),
    ):
        with pytest.raises(ApplicationError, match="archive"):
            call()
    case.refresh_from_db()
    assert (case.title, case.status) == (case.title, "open")
    assert Case.objects.count() == 1


def test_employees_do_the_work_but_only_managers_delete(employee, manager, outsider):
    case = CaseFactory()
    with pytest.raises(PermissionDenied):
        services.case_create(actor=outsider, client=case.client, data={"title": "X"})
    with pytest.raises(PermissionDenied):
        services.case_delete(actor=employee, case=case)
    services.case_delete(actor=manager, case=case)
    assert not Case.objects.exists()
    assert AuditEvent.objects.get(event_type="cases.case.deleted").client_id == case.client_id


def test_permanent_delete_of_a_client_refuses_while_a_case_is_open_and_takes_closed_cases_along(administrator):
    client = _archived_client()
    open_case = CaseFactory(client=client)
    CaseFactory(client=client, status="closed", closed_at=timezone.now())
    with pytest.raises(ApplicationError, match="open cases"):
        client_services.client_delete(actor=administrator, client=client)
    assert Case.objects.filter(client=client).count() == 2

    Case.objects.filter(pk=open_case.pk).update(status="closed", closed_at=timezone.now())
    client_services.client_delete(actor=administrator, client=client)
    assert not Case.objects.exists()
    assert AuditEvent.objects.filter(client_id=client.pk, event_type="clients.client.deleted").exists()
