import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kartoteka.clients import fields
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Client, ClientGroup, Label, Note
from kartoteka.clients.search import search_text_for
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.clients.validation import clean_client_fields
from kartoteka.core.text import fold

pytestmark = pytest.mark.django_db

FIELDS = fields.EDITABLE


def found(q: str) -> set[int]:
    return set(ClientFilter(q=q, status="all").apply(Client.objects.all()).values_list("id", flat=True))


def test_demo_data_is_stored_exactly_as_the_services_would_store_it():
    call_command("seed_demo", stdout=None)
    clients = list(Client.objects.all())
    assert len(clients) == 300
    for client in clients:
        values = {name: getattr(client, name) for name in FIELDS}
        assert clean_client_fields(values) == values
        # with its contact persons (contacts/demo.py): the search finds a client by them too
        assert client.search_text == search_text_for(
            {name: values[name] for name in fields.SEARCHABLE}, client_id=client.pk
        )


def test_demo_data_has_groups_labels_notes_and_a_realistic_mix():
    call_command("seed_demo")
    clients = Client.objects.all()
    assert ClientGroup.objects.count() == 6
    assert Label.objects.count() == 6
    assert Note.objects.count() > 300
    assert Client.groups.through.objects.count() > 100
    assert set(clients.values_list("status", flat=True)) == {"active", "inactive"}
    assert set(clients.values_list("source", flat=True)) == {"manual", "form", "import", "api"}
    assert {"Łódź", "Kraków", "Gdańsk"} <= set(clients.values_list("city", flat=True))
    assert clients.exclude(nip="").exists()
    assert clients.exclude(website="").exists()
    assert any(ch in "ąćęłńóśźż" for name in clients.values_list("last_name", flat=True) for ch in name)
    now = timezone.now()
    created = list(clients.values_list("created_at", flat=True))
    assert min(created) < now - dt.timedelta(days=600)
    assert max(created) > now - dt.timedelta(days=30)
    assert all(note.created_at >= note.client.created_at for note in Note.objects.select_related("client"))


def test_demo_clients_from_lodz_are_found_by_typing_lodz():
    call_command("seed_demo")
    from_lodz = set(Client.objects.filter(city="Łódź", archived_at__isnull=True).values_list("id", flat=True))
    assert from_lodz
    assert from_lodz <= found("lodz")


def test_demo_has_former_clients_waiting_in_the_archive():
    call_command("seed_demo")
    archived = Client.objects.filter(archived_at__isnull=False)
    assert archived.count() == 12
    assert set(archived.values_list("status", flat=True)) == {"inactive"}


def test_if_empty_loads_the_demo_once():
    call_command("seed_demo", if_empty=True)
    call_command("seed_demo", if_empty=True)
    assert Client.objects.count() == 300


def test_if_empty_leaves_an_existing_client_base_alone():
    ClientFactory()
    call_command("seed_demo", if_empty=True)
    assert Client.objects.count() == 1


@pytest.mark.parametrize("existing", [0, 2000], ids=["empty table: index rebuilt", "into a bigger table: trigger"])
def test_bulk_clients_are_created_and_searchable(existing):
    if existing:
        call_command("seed_demo", clients=existing, seed=1)
    call_command("seed_demo", clients=500, seed=7)
    new = list(Client.objects.order_by("-id")[:500])
    assert Client.objects.count() == existing + 500
    for client in new:
        assert client.search_text == search_text_for({name: getattr(client, name) for name in fields.SEARCHABLE})
    for client in new[:20]:
        assert client.id in found(client.email)
        assert client.id in found(fold(f"{client.first_name} {client.last_name}"))
    assert ClientGroup.objects.count() == 20
    assert Client.groups.through.objects.filter(client__in=new).exists()


def test_bulk_load_keeps_search_working_for_clients_added_later():
    call_command("seed_demo", clients=1500, seed=3)
    later = ClientFactory(first_name="Żaneta", last_name="Źdźbło", city="Łódź")
    assert later.id in found("zdzblo")
    assert Client.objects.filter(id__gt=later.id).count() == 0


def test_bulk_load_is_set_based():
    with CaptureQueriesContext(connection) as ctx:
        call_command("seed_demo", clients=2000, seed=5, batch=500)
    # a few per batch of 500 rows, not one per client; ~17 more to drop and recreate the count
    # insert triggers and count once (clients/demo.py)
    assert len(ctx.captured_queries) < 50


def test_a_bulk_load_leaves_exact_counts():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps no maintained counts (clients migration 0009)")
    from kartoteka.clients.counts import stored_count
    from kartoteka.clients.filters import ClientFilter
    from kartoteka.clients.models import Client, ClientGroup

    call_command("seed_demo", clients=1500, seed=6, batch=500)
    for group in ClientGroup.objects.all()[:5]:
        f = ClientFilter(group=group.pk, status="all")
        assert stored_count(Client.objects.all(), f) == f.apply(Client.objects.all()).count()
    assert stored_count(Client.objects.all(), ClientFilter()) == ClientFilter().apply(Client.objects.all()).count()
