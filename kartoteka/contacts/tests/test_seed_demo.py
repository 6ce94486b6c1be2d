"""seed_demo brings contact persons for most demo clients, stored as the services would store them."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kartoteka.audit.models import AuditEvent
from kartoteka.clients import fields as client_fields
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Client
from kartoteka.clients.search import search_text_for
from kartoteka.contacts import fields
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.validation import clean_contact_fields
from kartoteka.core.text import fold

pytestmark = pytest.mark.django_db


def found(q: str) -> set[int]:
    return set(ClientFilter(q=q, status="all").apply(Client.objects.all()).values_list("id", flat=True))


@pytest.fixture
def seeded():
    call_command("seed_demo")
    return list(ContactPerson.objects.all())


def test_most_demo_clients_have_one_to_three_contact_persons(seeded):
    per_client = Counter(person.client_id for person in seeded)
    assert len(per_client) > 0.6 * Client.objects.count()
    assert set(per_client.values()) == {1, 2, 3}


def test_demo_contact_persons_are_stored_exactly_as_the_services_would_store_them(seeded):
    for person in seeded:
        values = {name: getattr(person, name) for name in fields.EDITABLE}
        assert clean_contact_fields(values) == values


def test_demo_contact_persons_look_real_and_mix_their_flags(seeded):
    assert any(ch in "ąćęłńóśźżŁŚŻ" for p in seeded for ch in p.first_name + p.last_name)
    assert sum(p.may_collect_mail for p in seeded) > len(seeded) / 2  # many may collect mail
    assert any(not p.may_collect_mail for p in seeded)
    assert {p.may_represent for p in seeded} == {True, False}
    assert {p.is_contact_person for p in seeded} == {True, False}
    with_document = [p for p in seeded if p.id_document_number]
    assert 0 < len(with_document) < len(seeded) / 2
    assert all(p.may_collect_mail for p in with_document)  # the desk checks it for those who collect
    assert all(any(getattr(p, name) for p in seeded) for name in ("email", "phone", "position", "additional_info"))


def test_a_demo_contact_persons_surname_finds_the_client(seeded):
    current = ContactPerson.objects.filter(client__archived_at__isnull=True)  # the list shows those
    for person in current[:25]:
        assert person.client_id in found(person.last_name)
        assert person.client_id in found(fold(f"{person.last_name} {person.first_name}"))
    for client in Client.objects.filter(contact_persons__isnull=False).distinct()[:50]:
        own = {name: getattr(client, name) for name in client_fields.SEARCHABLE}
        assert client.search_text == search_text_for(own, client_id=client.pk)


def test_each_demo_contact_person_is_in_its_clients_history(seeded):
    events = AuditEvent.objects.filter(event_type="contacts.contact.created")
    assert sorted(events.values_list("details__contact_id", flat=True)) == sorted(p.pk for p in seeded)
    person = seeded[0]
    event = events.get(details__contact_id=person.pk)
    assert event.client_id == person.client_id
    assert event.details["contact_name"] == person.full_name
    assert event.changes["last_name"] == [None, person.last_name]


def test_the_demo_is_seeded_set_based():
    with CaptureQueriesContext(connection) as ctx:
        call_command("seed_demo")
    # clients, groups, labels and notes take ~25 queries; contact persons, cases and their
    # History entries, custom attributes and their values a few batches each — never one per row
    # (hundreds of persons and values).
    assert len(ctx.captured_queries) < 66
