"""Filtering the client list on custom attributes: list, count, API and bulk selections agree."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.attributes.models import AttributeOption
from kartoteka.attributes.tests.factories import make_attribute
from kartoteka.bulk.services import bulk_preview, selection_from
from kartoteka.clients import selectors, services
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory
from kartoteka.core.errors import ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def base(administrator):
    """Six clients with a segment, a number of employees, a first-contract day and channels."""
    make_attribute(administrator, "segment", "choice", options=("Handel", "Usługi", "IT"))
    make_attribute(administrator, "employees", "number")
    make_attribute(administrator, "since", "date")
    make_attribute(administrator, "vip", "bool")
    make_attribute(administrator, "channels", "multi", options=("E-mail", "Poczta"))
    make_attribute(administrator, "note", "text")
    group = ClientGroupFactory()
    rows = [
        ("Handel", 3, "2020-01-10", True, ["E-mail"], "a"),
        ("Handel", 50, "2021-06-01", False, ["E-mail", "Poczta"], None),
        ("Usługi", 10, None, None, [], "b"),
        ("IT", None, "2019-12-31", True, ["Poczta"], "a"),
        (None, 7.5, "2022-03-03", None, None, None),
        ("Handel", 10, "2020-01-01", None, None, "c"),
    ]
    clients = {}
    for n, (segment, employees, since, vip, channels, note) in enumerate(rows):
        values = {"segment": segment, "employees": employees, "since": since, "vip": vip, "channels": channels}
        client = services.client_create(
            actor=administrator,
            data={"first_name": f"K{n}", "email": f"k{n}@example.pl"},
            groups=[group.pk] if n % 2 == 0 else [],
            attributes={**values, "note": note},
        )
        clients[n] = client.pk
    ClientFactory()  # no attributes at all
    return {"clients": clients, "group": group}


def _ids(base, *numbers):
    return {base["clients"][n] for n in numbers}


CASES = [
    ({"attr.segment": "Handel"}, (0, 1, 5)),
    ({"attr.segment": "handel"}, (0, 1, 5)),
    ({"attr.segment__in": "Usługi,IT"}, (2, 3)),
    ({"attr.segment__isnull": "true"}, (4, "plain")),
    ({"attr.segment__isnull": "false"}, (0, 1, 2, 3, 5)),
    ({"attr.employees": "10"}, (2, 5)),
    ({"attr.employees__gte": "7.5"}, (1, 2, 4, 5)),
    ({"attr.employees__gte": "7,5", "attr.employees__lte": "10"}, (2, 4, 5)),
    ({"attr.employees__in": "3,50"}, (0, 1)),
    ({"attr.since__gte": "2020-01-01", "attr.since__lte": "2020-12-31"}, (0, 5)),
    ({"attr.since": "2019-12-31"}, (3,)),
    ({"attr.vip": "true"}, (0, 3)),
    ({"attr.vip": "false"}, (1,)),
    ({"attr.channels": "Poczta"}, (1, 3)),
    ({"attr.channels__in": "E-mail,Poczta"}, (0, 1, 3)),
    ({"attr.note": "a"}, (0, 3)),
    ({"attr.note__in": "b,c"}, (2, 5)),
    # combined with each other and with the client's own filters
    ({"attr.segment": "Handel", "attr.employees__gte": "10"}, (1, 5)),
    ({"attr.segment": "Handel", "group": "GROUP"}, (0,)),
    ({"attr.segment": "Handel", "q": "K5"}, (5,)),
]


@pytest.mark.parametrize(("params", "expected"), CASES)
def test_the_list_the_count_the_api_and_a_bulk_selection_agree(administrator, base, params, expected):
    params = {k: str(base["group"].pk) if v == "GROUP" else v for k, v in params.items()}
    wanted = {base["clients"][n] for n in expected if n != "plain"}
    filters = ClientFilter.from_params(params, strict=True)
    scope = selectors.client_scope(actor=administrator)
    everything = set(filters.apply(scope).values_list("id", flat=True))
    if "plain" in expected:
        assert wanted < everything
        assert len(everything) == len(wanted) + 1
        wanted = everything
    assert everything == wanted
    # 1. the web list (a keyset page, sorted by id and by name)
    for sort in ("-id", "name"):
        page = selectors.client_list(
            actor=administrator, filters=ClientFilter.from_params({**params, "sort": sort}), cursor=None, limit=50
        )
        assert {c.pk for c in page.items} == wanted
    # 2. the count
    assert selectors.client_count(actor=administrator, filters=filters) == len(wanted)
    # 3. the API list, with its count
    answer = token_client(administrator).get(reverse("api:clients"), {**params, "count": "true"}).json()
    assert {c["id"] for c in answer["items"]} == wanted
    assert answer["count"] == len(wanted)
    # 4. a bulk selection of everything matching
    selection = selection_from(list_name="clients", filter_params=params)
    assert bulk_preview(actor=administrator, action_name="archive", list_name="clients", selection=selection).count == (
        len(wanted)
    )


def test_the_web_list_shows_the_matching_clients_with_a_chip(administrator, admin_client_, base):
    response = admin_client_.get(reverse("clients:list"), {"attr.segment__in": "Usługi,IT"})
    page = response.content.decode()
    assert 'data-filter="attr.segment__in"' in page
    assert "one of: Usługi, IT" in page
    shown = {int(i) for i in json.loads(json.dumps(_row_ids(page)))}
    assert shown == _ids(base, 2, 3)
    # The count under the list, and the selection form carry the same filter.
    ids = AttributeOption.objects.filter(label__in=("Usługi", "IT")).order_by("id").values_list("id", flat=True)
    canonical = "%2C".join(str(i) for i in ids)
    assert f"attr.segment__in={canonical}" in page


def _row_ids(page: str) -> list[str]:
    import re

    return re.findall(r'name="ids" value="(\d+)"', page)


def test_canonical_parameters_use_the_values_id_and_survive_a_rename(administrator, base):
    from kartoteka.attributes.services import OptionIn, attribute_update

    filters = ClientFilter.from_params({"attr.segment": "handel"})
    handel = AttributeOption.objects.get(label="Handel")
    assert filters.to_params() == {"attr.segment": str(handel.pk)}
    assert [(c.label, c.value) for c in filters.chips()] == [("Segment", "Handel")]
    attribute = handel.attribute
    others = [OptionIn(o.label, o.pk) for o in attribute.options.exclude(pk=handel.pk)]
    attribute_update(
        actor=administrator, attribute=attribute, data={"options": [OptionIn("Sprzedaż", handel.pk), *others]}
    )
    again = ClientFilter.from_params(filters.to_params())
    assert [(c.label, c.value) for c in again.chips()] == [("Segment", "Sprzedaż")]
    assert again.apply(selectors.client_scope(actor=administrator)).count() == 3
    assert again.without("attr.segment").to_params() == {}


@pytest.mark.parametrize(
    ("params", "name", "message"),
    [
        ({"attr.nope": "1"}, "attr.nope", "There is no custom attribute with the key “nope”."),
        ({"attr.employees": "many"}, "attr.employees", "Enter a number"),
        ({"attr.segment__gte": "Handel"}, "attr.segment__gte", "does not fit"),
        ({"attr.segment__like": "H"}, "attr.segment__like", "Use attr.<key>"),
        ({"attr.since__lte": "2020-02-30"}, "attr.since__lte", "Enter a date as YYYY-MM-DD."),
        ({"attr.vip__isnull": "maybe"}, "attr.vip__isnull", "Choose yes or no"),
        ({"attr.segment": "Hurt"}, "attr.segment", "Choose one of: Handel, Usługi, IT."),
    ],
)
def test_a_bad_attribute_filter_is_refused_with_its_own_message(base, params, name, message):
    with pytest.raises(ValidationError) as exc:
        ClientFilter.from_params(params, strict=True)
    assert message in exc.value.message_dict[name][0]


def test_the_api_refuses_a_bad_attribute_filter_with_422(administrator, base):
    response = token_client(administrator).get(reverse("api:clients"), {"attr.employees__gte": "x"})
    assert response.status_code == 422
    assert "attr.employees__gte" in response.json()["errors"]


def test_the_api_list_reads_the_attributes_of_a_page_in_a_fixed_number_of_queries(
    administrator, base, django_assert_max_num_queries
):
    api = token_client(administrator)
    api.get(reverse("api:clients"))  # warm the token's user, content types
    with CaptureQueriesContext(connection) as few:
        answer = api.get(reverse("api:clients"), {"limit": 2}).json()
    assert len(answer["items"]) == 2
    with django_assert_max_num_queries(len(few.captured_queries)):
        answer = api.get(reverse("api:clients"), {"limit": 200}).json()
    assert len(answer["items"]) == 7
    first = next(c for c in answer["items"] if c["id"] == base["clients"][1])
    assert first["attributes"] == {
        "segment": "Handel",
        "employees": 50,
        "since": "2021-06-01",
        "vip": False,
        "channels": ["E-mail", "Poczta"],
        "note": None,
    }
    fifth = next(c for c in answer["items"] if c["id"] == base["clients"][4])
    assert fifth["attributes"]["employees"] == 7.5


def test_the_filter_uses_the_attributes_value_index(administrator, base):
    """EXPLAIN: the condition reads the typed column's index led by the attribute (both databases)."""
    filters = ClientFilter.from_params({"attr.employees__gte": "5", "attr.since": "2020-01-01"})
    sql, params = filters.apply(selectors.client_scope(actor=administrator)).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: show that the index can serve
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
    assert "attributes_value_number_idx" in plan
    assert "attributes_value_date_idx" in plan


def test_a_day_filter_and_a_group_with_the_attribute_filter(administrator, base):
    today = timezone.localdate().isoformat()
    filters = ClientFilter.from_params({"attr.vip": "true", "created_from": today})
    assert set(filters.apply(selectors.client_scope(actor=administrator)).values_list("id", flat=True)) == _ids(
        base, 0, 3
    )
