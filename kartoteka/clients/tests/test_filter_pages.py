"""ClientFilter.page shapes its query for speed (docs/performance.md); the rows must not change."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kartoteka.clients.filters import SORTS, ClientFilter
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory
from kartoteka.core import filtering as filters_module  # PROBE_FROM lives in the FilterSet base

pytestmark = pytest.mark.django_db

SURNAMES = ["Nowak", "Kowalski", "Kowalczyk", "Wiśniewska", "Nowak"]
CITIES = ["Łódź", "Kraków", "Gdańsk"]


@pytest.fixture
def client_base():
    groups = [ClientGroupFactory(), ClientGroupFactory()]
    labels = [LabelFactory(), LabelFactory()]
    now = timezone.now()
    for i in range(36):
        client = ClientFactory(
            first_name=["Anna", "Jan", "Żaneta"][i % 3],
            last_name=SURNAMES[i % 5],
            email=f"klient{i % 7}.{i}@example.pl",
            phone=f"+4860012{i:04d}" if i % 4 else "",
            city=CITIES[i % 3],
            status="inactive" if i % 6 == 0 else "active",
            groups=[g for j, g in enumerate(groups) if (i + j) % (j + 2) == 0],
            labels=[lab for j, lab in enumerate(labels) if (i + j) % (j + 3) == 0],
        )
        Client.objects.filter(id=client.id).update(created_at=now - dt.timedelta(days=(i * 7) % 40))
    return groups, labels


def filter_cases(groups, labels):
    g, lab = groups[0].id, labels[0].id
    return [
        {},
        {"q": "kowal"},
        {"q": "lodz"},
        {"q": "600 12"},
        {"q": "nowak an"},
        {"group": g},
        {"label": lab},
        {"group": g, "label": lab},
        {"q": "kowal", "group": g},
        {"q": "klient3", "label": lab, "status": "all"},
        {"status": "inactive"},
        {"status": "all", "created_from": (timezone.now() - dt.timedelta(days=20)).date()},
    ]


def all_pages(f: ClientFilter, limit: int = 4) -> list[int]:
    ids: list[int] = []
    cursor = None
    for _ in range(100):
        page = f.page(Client.objects.all(), cursor=cursor, limit=limit)
        ids.extend(c.id for c in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return ids
    raise AssertionError("the pages never end")


@pytest.mark.parametrize("sort", [s for key in SORTS for s in (key, f"-{key}")])
@pytest.mark.parametrize("probe_from", [1000, 2], ids=["sets listed", "sets probed per row"])
def test_paging_through_the_list_shows_each_matching_client_once_in_sort_order(
    client_base, sort, probe_from, monkeypatch
):
    monkeypatch.setattr(filters_module, "PROBE_FROM", probe_from)
    for case in filter_cases(*client_base):
        f = ClientFilter(sort=sort, **case)
        expected = list(f.apply(Client.objects.all()).order_by(*f.sort_spec.order_by()).values_list("id", flat=True))
        assert all_pages(f) == expected, case


def test_a_cursor_from_a_plain_page_continues_a_walked_page(client_base):
    groups, _ = client_base
    plain = ClientFilter().page(Client.objects.all(), cursor=None, limit=3)
    walked = ClientFilter(group=groups[0].id).page(Client.objects.all(), cursor=plain.next_cursor, limit=50)
    assert walked.items
    assert all(c.id < plain.items[-1].id for c in walked.items)


def test_a_page_costs_a_fixed_number_of_queries(client_base):
    groups, labels = client_base
    for case in filter_cases(groups, labels):
        with CaptureQueriesContext(connection) as ctx:
            ClientFilter(**case).page(Client.objects.prefetch_related("groups"), cursor=None, limit=20)
        assert len(ctx.captured_queries) <= 4, case  # page, prefetch, at most two size probes
