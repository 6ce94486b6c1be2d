"""The vCard writer on its own (the business card uses it too): escaping and folding."""

import datetime as dt

import vobject
from hypothesis import given
from hypothesis import strategies as st

from kartoteka.exports.vcard import Card, escape, fold, vcard


def test_text_escapes_backslash_comma_semicolon_and_newlines():
    assert escape("a\\b,c;d\ne\r\nf") == "a\\\\b\\,c\\;d\\ne\\nf"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "NOTE:" + "ż" * 100  # two octets each
    folded = fold(line)
    physical = folded.split("\r\n")[:-1]
    assert all(len(p.encode()) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    for p in physical:
        p.encode().decode("utf-8")  # each physical line is whole UTF-8
    assert "".join(p[1:] if i else p for i, p in enumerate(physical)) == line


def test_short_lines_are_not_folded():
    assert fold("FN:Jan") == "FN:Jan\r\n"


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200),
    st.sampled_from(["3.0", "4.0"]),
)
def test_any_name_survives_a_round_trip_through_vobject(name, version):
    card = Card(first_name=name.strip() or "x", last_name="Łęcka", company_name="Firma; S.A., Oddział\nKraków")
    text = vcard(card, version=version)
    parsed = vobject.readOne(text)
    assert parsed.n.value.given == card.first_name
    assert parsed.org.value == [card.company_name]
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_a_company_known_only_by_its_name_is_an_organisation():
    card = Card(
        first_name="Anna", company_name="Żuraw sp. z o.o.", updated_at=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    )
    v3 = vcard(card)
    assert "FN:Żuraw sp. z o.o.\r\n" in v3
    assert "ORG:Żuraw sp. z o.o.\r\n" in v3
    assert "N:;Anna;;;\r\n" in v3
    assert "REV:2026-01-02T03:04:00Z\r\n" in v3
    v4 = vcard(card, version="4.0")
    assert "KIND:org\r\n" in v4
    assert "REV:20260102T030400Z\r\n" in v4
