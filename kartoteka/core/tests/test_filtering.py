"""The FilterSet base: a second list (notes) declares its own fields and gets parsing, canonical
URLs, chips, strict mode and keyset pages without copying ClientFilter."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Note
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, NoteFactory
from kartoteka.core.filtering import Choice, DayBound, FilterSet, Search, Sort, declare
from kartoteka.core.listing import Column, chip_links, column_headers
from kartoteka.core.numbers import MAX_ID
from kartoteka.core.pagination import InvalidCursor

pytestmark = pytest.mark.django_db


def _text_search(queryset: QuerySet[Note], q: str, *, probe_from: int | None = None) -> QuerySet[Note]:
    return queryset.filter(text__icontains=q)


@dataclass(frozen=True)
class NoteFilter(FilterSet):
    model = Note

    q: str = declare(Search("Text", search=_text_search), "")
    kind: str = declare(Choice("Kind", column="client__status", choices={"active": "Of active", "any": "Any"},
                                any_value="any"), "any")  # fmt: skip
    since: dt.date | None = declare(DayBound("Since", column="created_at"), None)
    sort: str = declare(Sort(choices={"id": (), "created": ("created_at",)}), "-id")


def test_a_second_list_parses_its_own_fields_and_writes_canonical_params():
    f = NoteFilter.from_params({"q": " call ", "kind": "active", "since": "2026-01-02", "sort": "created"})
    assert f == NoteFilter(q="call", kind="active", since=dt.date(2026, 1, 2), sort="created")
    assert f.to_params() == {"q": "call", "kind": "active", "since": "2026-01-02", "sort": "created"}
    assert NoteFilter.from_params(f.to_params()) == f
    assert NoteFilter().to_params() == {}
    assert f.without("kind").to_params() == {"q": "call", "since": "2026-01-02", "sort": "created"}


def test_strict_mode_refuses_unknown_names_and_names_them():
    with pytest.raises(ValidationError) as caught:
        NoteFilter.from_params({"qq": "x", "cursor": "c", "kind": "nope"}, strict=True, allow=("cursor",))
    assert set(caught.value.error_dict) == {"qq", "kind"}
    assert "kind, q, since, sort" in caught.value.error_dict["qq"][0].messages[0]
    assert NoteFilter.from_params({"qq": "x"}) == NoteFilter()  # not strict: ignored


def test_chips_name_each_active_filter_and_remove_only_it():
    f = NoteFilter(q="call", kind="active", sort="created")
    chips = chip_links(f)
    assert [(c["param"], c["name"], c["value"]) for c in chips] == [
        ("q", "Text", "call"),
        ("kind", "Kind", "Of active"),
    ]
    assert chips[0]["remove_url"] == "?kind=active&sort=created"


def test_apply_and_pages_follow_the_declaration():
    active, inactive = ClientFactory(), ClientFactory(status="inactive")
    notes = [NoteFactory(client=active, text=f"call {i}") for i in range(5)]
    NoteFactory(client=inactive, text="call later")
    NoteFactory(client=active, text="e-mail")
    f = NoteFilter(q="call", kind="active")
    assert set(f.apply(Note.objects.all())) == set(notes)
    seen, cursor = [], None
    while True:
        page = f.page(Note.objects.all(), cursor=cursor, limit=2)
        seen += [n.id for n in page.items]
        if not (cursor := page.next_cursor):
            break
    assert seen == sorted(n.id for n in notes)[::-1]


def test_a_cursor_of_one_sort_order_is_refused_by_another():
    for _ in range(3):
        NoteFactory()
    cursor = NoteFilter(sort="created").page(Note.objects.all(), cursor=None, limit=1).next_cursor
    with pytest.raises(InvalidCursor):
        NoteFilter(sort="-created").page(Note.objects.all(), cursor=cursor, limit=1)


def test_column_headers_link_to_sorting_by_them_and_back():
    columns = (Column("text", "Text"), Column("created", "Created", sort="created"))
    plain, created = column_headers(columns, NoteFilter(q="x", sort="created"))
    assert plain.url is None
    assert (created.url, created.direction) == ("?q=x&sort=-created", "asc")


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("group", str(MAX_ID + 1)),
        ("group", str(2**64)),
        ("label", "0"),
        ("label", "-5"),
        ("created_from", "0001-01-01"),
        ("created_to", "9999-12-31"),
        ("q", "kowal\x00"),
        ("q", "a\x1bb"),
        ("q", "x\ud800"),
    ],
)
def test_values_that_used_to_fail_in_the_database_are_field_errors(name, raw):
    with pytest.raises(ValidationError) as caught:
        ClientFilter.from_params({name: raw})
    assert list(caught.value.error_dict) == [name]


def test_the_largest_id_is_accepted_and_matches_nothing():
    ClientFactory(groups=[ClientGroupFactory()])
    f = ClientFilter.from_params({"group": str(MAX_ID)})
    assert list(f.apply(ClientFilter.model.objects.all())) == []
    assert f.page(ClientFilter.model.objects.all(), cursor=None, limit=5).items == []
