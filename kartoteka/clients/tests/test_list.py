import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.selectors import ClientSelection, client_list, clients_selected
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory


def _ids(page):
    return [c.id for c in page.items]


@pytest.mark.parametrize(
    ("query", "found"),
    [("lodz", True), ("ŁÓDŹ", True), ("ódź", True), ("kowal", True), ("gorska", True), ("zupelnie", False)],
)
def test_search_ignores_case_and_polish_diacritics(employee, query, found):
    client = ClientFactory(last_name="Górska-Kowalska", city="Łódź")
    page = client_list(actor=employee, filters=ClientFilter(q=query), cursor=None, limit=10)
    assert (client.id in _ids(page)) is found


def test_search_finds_email_fragment_phone_digits_and_nip(employee):
    client = ClientFactory(email="biuro@firma-testowa.pl", phone="+48600123456", nip="5250005834")
    for query in ("firma-test", "600 123", "600123456", "+48 600 123 456", "52500058"):
        page = client_list(actor=employee, filters=ClientFilter(q=query), cursor=None, limit=10)
        assert _ids(page) == [client.id], query


def test_every_search_word_must_match(employee):
    anna = ClientFactory(first_name="Anna", city="Kraków")
    ClientFactory(first_name="Anna", city="Gdańsk")
    page = client_list(actor=employee, filters=ClientFilter(q="anna krakow"), cursor=None, limit=10)
    assert _ids(page) == [anna.id]


def test_short_search_words_still_match(employee):
    client = ClientFactory(first_name="Ed", last_name="Xu")
    page = client_list(actor=employee, filters=ClientFilter(q="xu"), cursor=None, limit=10)
    assert _ids(page) == [client.id]


def test_default_list_shows_active_clients_only(employee):
    active = ClientFactory()
    inactive = ClientFactory(status="inactive")
    archived = ClientFactory(status="inactive", archived_at=timezone.now())
    assert _ids(client_list(actor=employee, filters=ClientFilter(), cursor=None, limit=10)) == [active.id]
    inactive_page = client_list(actor=employee, filters=ClientFilter(status="inactive"), cursor=None, limit=10)
    assert _ids(inactive_page) == [inactive.id]
    all_page = client_list(actor=employee, filters=ClientFilter(status="all"), cursor=None, limit=10)
    assert archived.id not in _ids(all_page)


def test_filters_combine(employee):
    group, label = ClientGroupFactory(), LabelFactory()
    both = ClientFactory(groups=[group], labels=[label])
    ClientFactory(groups=[group])
    ClientFactory(labels=[label])
    page = client_list(actor=employee, filters=ClientFilter(group=group.id, label=label.id), cursor=None, limit=10)
    assert _ids(page) == [both.id]


def test_created_between_includes_both_days(employee):
    inside = ClientFactory()
    outside = ClientFactory()
    day = timezone.localdate()
    type(inside).objects.filter(pk=outside.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    filters = ClientFilter(created_from=day, created_to=day)
    assert _ids(client_list(actor=employee, filters=filters, cursor=None, limit=10)) == [inside.id]


def _walk(actor, sort):
    seen, cursor = [], None
    while True:
        page = client_list(actor=actor, filters=ClientFilter(sort=sort), cursor=cursor, limit=2)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            return seen


@pytest.mark.parametrize(
    "sort", ["name", "-name", "id", "-id", "email", "-email", "created_at", "-created_at", "status"]
)
def test_keyset_pages_cover_every_client_once(employee, sort):
    clients = [
        ClientFactory(last_name=name) for name in ["Zając", "Adamska", "Nowak", "Adamska", "Bąk", "Ćwik", "Nowak"]
    ]
    seen = [c.id for c in _walk(employee, sort)]
    assert sorted(seen) == sorted(c.id for c in clients)
    assert len(seen) == len(set(seen))


def test_sorting_by_name_orders_by_last_then_first_name_across_pages(employee):
    for last, first in [
        ("Nowak", "Zofia"),
        ("Adamski", "Piotr"),
        ("Nowak", "Adam"),
        ("Kowal", "Ewa"),
        ("Nowak", "Adam"),
    ]:
        ClientFactory(last_name=last, first_name=first)
    ascending = [(c.last_name, c.first_name, c.id) for c in _walk(employee, "name")]
    assert ascending == sorted(ascending)
    descending = [(c.last_name, c.first_name, c.id) for c in _walk(employee, "-name")]
    assert descending == sorted(ascending, reverse=True)


def test_bad_filter_parameters_get_a_message_each():
    with pytest.raises(ValidationError) as caught:
        ClientFilter.from_params({"status": "x", "group": "abc", "created_from": "2026-13-01", "sort": "password"})
    assert set(caught.value.error_dict) == {"status", "group", "created_from", "sort"}


def test_filter_round_trips_through_url_parameters():
    filters = ClientFilter(q="lodz", status="inactive", group=3, created_from=dt.date(2026, 1, 2), sort="-name")
    assert ClientFilter.from_params(filters.to_params()) == filters
    assert ClientFilter().to_params() == {}


def test_selection_by_ids_stays_inside_its_list(employee):
    live = ClientFactory()
    archived = ClientFactory(status="inactive", archived_at=timezone.now())
    chosen = clients_selected(actor=employee, selection=ClientSelection(ids=(live.id, archived.id)))
    assert list(chosen.values_list("id", flat=True)) == [live.id]


def test_selection_of_everything_matching_uses_the_filter(employee):
    group = ClientGroupFactory()
    members = [ClientFactory(groups=[group]) for _ in range(3)]
    ClientFactory()
    chosen = clients_selected(actor=employee, selection=ClientSelection(filters=ClientFilter(group=group.id)))
    assert sorted(chosen.values_list("id", flat=True)) == sorted(c.id for c in members)


def test_sorting_by_name_follows_the_alphabet_not_the_byte_order(employee):
    for last in ["Zając", "Ćwik", "Cebula", "Łukasiewicz", "Lis", "Dąb", "adamczyk"]:
        ClientFactory(last_name=last, first_name="X")
    names = [c.last_name for c in _walk(employee, "name")]
    assert names == ["adamczyk", "Cebula", "Ćwik", "Dąb", "Lis", "Łukasiewicz", "Zając"]
