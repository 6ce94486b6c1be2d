"""The client list's one search box finds a client by its contact persons (the desk looks people up so)."""

import pytest

from kartoteka.api.tests.client import token_client
from kartoteka.clients import services as client_services
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.selectors import client_list
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts import services

pytestmark = pytest.mark.django_db


def _found(actor, q):
    return {c.pk for c in client_list(actor=actor, filters=ClientFilter(q=q), cursor=None, limit=50).items}


@pytest.fixture
def firm(employee):
    firm = ClientFactory(first_name="Biuro", last_name="Rachunkowe", email="biuro@example.pl", phone="")
    ClientFactory(first_name="Inny", last_name="Klient")
    contact = services.contact_create(
        actor=employee,
        client=firm,
        data={"first_name": "Grażyna", "last_name": "Wróblewska", "email": "g.wroblewska@firma.pl",
              "phone": "+48 512 345 678"},
    )  # fmt: skip
    return firm, contact


@pytest.mark.parametrize(
    "query", ["512 345 678", "512345678", "+48512345678", "g.wroblewska@firma.pl", "wroblewska", "Grażyna Wróblewska"]
)
def test_the_list_finds_a_client_by_its_contact_persons_phone_email_and_name(employee, firm, query):
    assert _found(employee, query) == {firm[0].pk}


def test_the_api_list_finds_it_too(employee, firm):
    response = token_client(employee).get("/api/clients", {"q": "firma.pl"})
    assert [item["id"] for item in response.json()["items"]] == [firm[0].pk]


def test_the_web_list_finds_it_too(employee_client, firm):
    response = employee_client.get("/clients/", {"q": "512-345-678"})
    assert [c.pk for c in response.context["clients"]] == [firm[0].pk]


def test_a_changed_or_removed_contact_person_no_longer_finds_the_client(employee, firm):
    client, contact = firm
    services.contact_update(actor=employee, contact=contact, data={"email": "grazyna@nowa.pl", "phone": ""})
    assert _found(employee, "firma.pl") == set()
    assert _found(employee, "512345678") == set()
    assert _found(employee, "nowa.pl") == {client.pk}
    services.contact_delete(actor=employee, contact=contact)
    assert _found(employee, "wroblewska") == set()
    assert _found(employee, "biuro") == {client.pk}  # the client's own fields still find it


def test_changing_the_client_keeps_its_contact_persons_searchable(employee, firm):
    client, _ = firm
    client_services.client_update(actor=employee, client=client, data={"city": "Gdańsk"})
    assert _found(employee, "wroblewska gdansk") == {client.pk}
