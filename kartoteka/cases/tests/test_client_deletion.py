"""Permanent deletion of archived clients through the bulk "Delete permanently" path, with their
contact persons and cases, as the ClientRelation declarations say: contact persons and closed
cases go with the client; a client with an open case is skipped (its work is not finished) and
reported, while the other selected clients are deleted. Set-based: the query count does not grow
with the number of clients, persons or cases."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.bulk.services import bulk_run, selection_from
from kartoteka.cases.models import Case
from kartoteka.cases.tests.factories import CaseFactory
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts import services as contact_services
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.tests.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db


def archived() -> Client:
    return ClientFactory(status="inactive", archived_at=timezone.now())


def delete(actor, ids: list[int], confirm: int) -> dict[str, Any]:
    """The bulk action as the archive's toolbar runs it; `confirm`: the number the user types."""
    selection = selection_from(list_name="archive", ids=ids, filter_params=None)
    outcome = bulk_run(
        actor=actor, action_name="delete", list_name="archive", selection=selection, params={}, confirm_count=confirm
    )
    assert outcome.job is None
    assert outcome.report is not None
    return outcome.report


def with_work(client: Client, *, open_case: bool = False) -> Client:
    ContactPersonFactory.create_batch(2, client=client)
    CaseFactory(client=client, status="closed", closed_at=timezone.now())
    if open_case:
        CaseFactory(client=client)
    return client


def test_contact_persons_and_closed_cases_go_with_the_client(administrator):
    doomed = with_work(archived())
    kept = with_work(archived())
    report = delete(administrator, [doomed.pk], 1)
    assert report["changed"] == 1
    assert not Client.objects.filter(pk=doomed.pk).exists()
    assert not ContactPerson.objects.filter(client_id=doomed.pk).exists()
    assert not Case.objects.filter(client_id=doomed.pk).exists()
    assert (ContactPerson.objects.filter(client=kept).count(), Case.objects.filter(client=kept).count()) == (2, 1)


def test_a_client_with_an_open_case_is_skipped_and_the_others_are_deleted(administrator, settings):
    settings.LANGUAGE_CODE = "en"
    busy = with_work(archived(), open_case=True)
    others = [with_work(archived()), archived()]
    report = delete(administrator, [busy.pk, *(c.pk for c in others)], 3)  # the selection is typed
    assert report["changed"] == 2
    assert report["skipped"] == {"refused_cases_case": 1}
    assert not Client.objects.filter(pk__in=[c.pk for c in others]).exists()
    assert Client.objects.filter(pk=busy.pk).exists()
    assert (ContactPerson.objects.filter(client=busy).count(), Case.objects.filter(client=busy).count()) == (2, 2)


def test_changes_to_contact_persons_and_cases_stay_in_the_history_of_a_deleted_client(administrator, employee):
    client = ClientFactory()
    person = contact_services.contact_create(
        actor=employee, client=client, data={"first_name": "Jan", "last_name": "Nowak"}
    )
    contact_services.contact_update(actor=employee, contact=person, data={"position": "Prezes"})
    from kartoteka.cases import services as case_services

    case = case_services.case_create(actor=employee, client=client, data={"title": "Umowa"})
    case_services.case_close(actor=employee, case=case)
    kinds = set(AuditEvent.objects.filter(client=client).values_list("event_type", flat=True))
    assert kinds >= {"contacts.contact.created", "contacts.contact.updated", "cases.case.created", "cases.case.closed"}
    Client.objects.filter(pk=client.pk).update(status="inactive", archived_at=timezone.now())
    delete(administrator, [client.pk], 1)
    assert AuditEvent.objects.filter(client_id=client.pk, event_type__startswith="contacts.").count() == 2


def test_the_deletion_takes_the_same_number_of_queries_for_3_and_30_clients(administrator):
    def queries(n: int) -> int:
        ids = [with_work(archived()).pk for _ in range(n)] + [with_work(archived(), open_case=True).pk]
        with CaptureQueriesContext(connection) as captured:
            report = delete(administrator, ids, n + 1)
        assert report["changed"] == n
        return len(captured)

    queries(1)  # permissions loaded and cached
    assert queries(3) == queries(30)
