"""Contact persons through their services: validation, history, the archive rule, the desk check."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts import selectors, services
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.selectors import PickupResult, mail_pickup_check
from kartoteka.contacts.tests.factories import ContactPersonFactory
from kartoteka.core.errors import ApplicationError, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _errors(exc_info) -> dict[str, list[str]]:
    return {k: [m for e in v for m in e.messages] for k, v in exc_info.value.error_dict.items()}


# --- create, change, remove ------------------------------------------------------------


def test_a_new_contact_person_is_stored_normalised_and_recorded_in_the_clients_history(employee):
    client = ClientFactory()
    contact = services.contact_create(
        actor=employee,
        client=client,
        data={"first_name": "  Anna ", "last_name": "Nowak", "email": "Anna.Nowak@Example.PL",
              "phone": "600 123-456", "id_document_number": "abc 123-456", "may_collect_mail": "on"},
    )  # fmt: skip
    contact.refresh_from_db()
    assert (contact.first_name, contact.email, contact.phone) == ("Anna", "anna.nowak@example.pl", "+48600123456")
    assert contact.id_document_number == "ABC123456"
    assert contact.may_collect_mail
    assert contact.is_contact_person
    assert not contact.may_represent
    event = AuditEvent.objects.get(event_type="contacts.contact.created")
    assert event.client_id == client.pk
    assert event.actor == employee
    assert event.changes["last_name"] == [None, "Nowak"]
    assert event.details["contact_name"] == "Anna Nowak"


def test_bad_input_gets_a_message_per_field_and_nothing_is_stored(employee):
    client = ClientFactory()
    with pytest.raises(ValidationError) as exc_info:
        services.contact_create(
            actor=employee,
            client=client,
            data={"first_name": "", "last_name": "Nowak", "email": "not-an-email", "phone": "12",
                  "id_document_number": "AB!", "may_represent": "maybe"},
        )  # fmt: skip
    errors = _errors(exc_info)
    assert set(errors) == {"first_name", "email", "phone", "id_document_number", "may_represent"}
    assert "e-mail" in errors["email"][0]
    assert "phone" in errors["phone"][0]
    assert not ContactPerson.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="contacts.").exists()


def test_validation_messages_are_polish_in_polish(employee, settings):
    settings.LANGUAGE_CODE = "pl"
    from django.utils import translation

    with translation.override("pl"), pytest.raises(ValidationError) as exc_info:
        services.contact_create(actor=employee, client=ClientFactory(), data={"first_name": "Jan", "last_name": ""})
    assert _errors(exc_info)["last_name"] == ["To pole jest wymagane."]


def test_a_change_records_old_and_new_values_and_an_unchanged_save_records_nothing(employee):
    contact = ContactPersonFactory(position="")
    services.contact_update(actor=employee, contact=contact, data={"position": "Księgowa", "may_collect_mail": True})
    event = AuditEvent.objects.get(event_type="contacts.contact.updated")
    assert event.changes == {"position": ["", "Księgowa"], "may_collect_mail": [False, True]}
    services.contact_update(actor=employee, contact=contact, data={"position": "Księgowa"})
    assert AuditEvent.objects.filter(event_type="contacts.contact.updated").count() == 1


def test_removing_a_contact_person_is_recorded_with_its_name(employee):
    contact = ContactPersonFactory(first_name="Ewa", last_name="Lis")
    client_id = contact.client_id
    services.contact_delete(actor=employee, contact=contact)
    assert not ContactPerson.objects.exists()
    event = AuditEvent.objects.get(event_type="contacts.contact.deleted")
    assert (event.client_id, event.details["contact_name"]) == (client_id, "Ewa Lis")


def test_an_archived_clients_contact_persons_are_read_only(employee):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    contact = ContactPersonFactory(client=client)
    with pytest.raises(ApplicationError):
        services.contact_create(actor=employee, client=client, data={"first_name": "A", "last_name": "B"})
    with pytest.raises(ApplicationError):
        services.contact_update(actor=employee, contact=contact, data={"position": "X"})
    with pytest.raises(ApplicationError):
        services.contact_delete(actor=employee, contact=contact)
    contact.refresh_from_db()
    assert contact.position == ""
    assert ContactPerson.objects.count() == 1


def test_an_outsider_may_not_read_or_write_contact_persons(outsider):
    contact = ContactPersonFactory()
    with pytest.raises(PermissionDenied):
        services.contact_create(actor=outsider, client=contact.client, data={"first_name": "A", "last_name": "B"})
    with pytest.raises(PermissionDenied):
        services.contact_delete(actor=outsider, contact=contact)
    with pytest.raises(PermissionDenied):
        selectors.client_contacts(actor=outsider, client=contact.client)


# --- the mail desk's check (R3.3) -------------------------------------------------------


@pytest.fixture
def desk(employee):
    """A client with Jan Kowalski (may collect, document on file), Anna Kowalska (may not)."""
    client = ClientFactory()
    jan = ContactPersonFactory(
        client=client, first_name="Jan", last_name="Kowalski", may_collect_mail=True, id_document_number="ABC123456"
    )
    anna = ContactPersonFactory(client=client, first_name="Anna", last_name="Kowalska", may_collect_mail=False)
    zofia = ContactPersonFactory(client=client, first_name="Zofia", last_name="Żółć", may_collect_mail=True)
    return client, jan, anna, zofia


def _check(employee, client, name, document=""):
    return mail_pickup_check(actor=employee, client=client, name=name, document_number=document)


@pytest.mark.parametrize(
    "typed", ["Jan Kowalski", "kowalski jan", "  JAN   kowalski ", "Kowalski, Jan", "jan\u00a0KOWALSKI"]
)
def test_the_desk_finds_a_person_regardless_of_order_case_and_spaces(employee, desk, typed):
    client, jan, _, _ = desk
    answer = _check(employee, client, typed)
    assert (answer.result, answer.contact) == (PickupResult.ALLOWED, jan)
    assert answer.document_on_file


@pytest.mark.parametrize("typed", ["zofia zolc", "ZÓŁĆ Zofia", "Zofia Zolć"])
def test_the_desk_ignores_diacritics(employee, desk, typed):
    client, _, _, zofia = desk
    assert _check(employee, client, typed).contact == zofia
    assert _check(employee, client, typed).result == PickupResult.ALLOWED


def test_a_person_without_may_collect_mail_is_not_allowed(employee, desk):
    client, _, anna, _ = desk
    answer = _check(employee, client, "anna kowalska")
    assert (answer.result, answer.contact, answer.document_mismatch) == (PickupResult.NOT_ALLOWED, anna, False)


@pytest.mark.parametrize("typed", ["Piotr Kowalski", "Kowalski", "Jan", "Jan Kowalski Nowak", "Jana Kowalski"])
def test_another_first_name_or_a_partial_name_is_no_such_contact_person(employee, desk, typed):
    answer = _check(employee, desk[0], typed)
    assert (answer.result, answer.contact) == (PickupResult.UNKNOWN, None)


BAD_QUESTIONS = [
    ("", "", "name"),
    ("  ", "", "name"),
    ("Jan\x00Kowalski", "", "name"),
    ("x" * 202, "", "name"),
    ("Jan Kowalski", "AB!", "document_number"),
    ("Jan Kowalski", "ﬀ12345", "document_number"),  # upper-cased it would pass as FF12345
]


@pytest.mark.parametrize(("name", "document", "field"), BAD_QUESTIONS)
def test_a_blank_or_malformed_question_is_a_field_error(employee, desk, name, document, field):
    with pytest.raises(ValidationError) as exc_info:
        _check(employee, desk[0], name, document)
    assert set(_errors(exc_info)) == {field}


def test_a_wrong_document_number_when_one_is_on_file_is_not_allowed(employee, desk):
    client, jan, _, _ = desk
    answer = _check(employee, client, "Jan Kowalski", "XYZ999999")
    assert (answer.result, answer.contact, answer.document_mismatch) == (PickupResult.NOT_ALLOWED, jan, True)
    assert _check(employee, client, "Jan Kowalski", "abc 123 456").result == PickupResult.ALLOWED


def test_a_document_number_given_for_a_person_with_none_on_file_does_not_refuse(employee, desk):
    client, _, _, _zofia = desk
    assert _check(employee, client, "Zofia Żółć", "DEF111222").result == PickupResult.ALLOWED


def test_the_desk_never_answers_for_another_clients_contact_person(employee, desk):
    other = ClientFactory()
    assert _check(employee, other, "Jan Kowalski").result == PickupResult.UNKNOWN


def test_two_namesakes_the_one_allowed_with_the_matching_document_wins(employee, desk):
    client, jan, _, _ = desk
    twin = ContactPersonFactory(
        client=client, first_name="Jan", last_name="Kowalski", may_collect_mail=True, id_document_number="QQQ111111"
    )
    assert _check(employee, client, "Jan Kowalski", "QQQ111111").contact == twin
    assert _check(employee, client, "Jan Kowalski", "ABC123456").contact == jan
    assert _check(employee, client, "Jan Kowalski", "ZZZ000000").result == PickupResult.NOT_ALLOWED


def test_the_check_needs_permission_to_see_contact_persons(outsider, desk):
    with pytest.raises(PermissionDenied):
        _check(outsider, desk[0], "Jan Kowalski")


# --- whole-client rules ------------------------------------------------------------------


def test_deleting_an_archived_client_permanently_removes_its_contact_persons(administrator):
    from kartoteka.clients.services import client_delete

    client = ClientFactory(status="inactive", archived_at=timezone.now())
    ContactPersonFactory.create_batch(2, client=client)
    kept = ContactPersonFactory()
    client_delete(actor=administrator, client=client)
    assert list(ContactPerson.objects.all()) == [kept]


def test_contact_persons_declare_merge_anonymise_and_delete_with_their_personal_fields():
    from kartoteka.core.relations import OnAnonymise, OnDelete, OnMerge

    declaration = ContactPerson.client_relation
    assert (declaration.on_merge, declaration.on_anonymise, declaration.on_delete) == (
        OnMerge.MOVE,
        OnAnonymise.DELETE,
        OnDelete.DELETE,
    )
    assert {"first_name", "last_name", "email", "phone", "id_document_number", "additional_info"} <= set(
        declaration.personal_fields
    )
