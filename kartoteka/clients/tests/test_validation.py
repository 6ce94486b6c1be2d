import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kartoteka.clients.validation import (
    clean_client_fields,
    format_phone,
    normalise_email,
    normalise_nip,
    normalise_phone,
    normalise_postal_code,
    normalise_website,
)
from kartoteka.core.text import fold


def test_email_is_lower_cased_and_trimmed():
    assert normalise_email("  Jan.Kowalski@Example.PL ") == "jan.kowalski@example.pl"


@pytest.mark.parametrize("bad", ["jan", "jan@", "@example.pl", "jan kowalski@example.pl"])
def test_bad_email_is_rejected(bad):
    with pytest.raises(ValidationError):
        normalise_email(bad)


@pytest.mark.parametrize(
    ("entered", "stored"),
    [("600 123 456", "+48600123456"), ("+48 600-123-456", "+48600123456"), ("(22) 628 12 34", "+48226281234")],
)
def test_polish_phone_numbers_are_stored_in_e164(entered, stored):
    assert normalise_phone(entered) == stored


def test_foreign_phone_keeps_its_country():
    assert normalise_phone("+49 30 901820") == "+4930901820"


def test_stored_phone_is_shown_formatted():
    assert format_phone("+48600123456") == "600 123 456"
    assert format_phone("+4930901820").startswith("+49 30")


@pytest.mark.parametrize("bad", ["12345", "600 123 45", "abc"])
def test_bad_phone_is_rejected(bad):
    with pytest.raises(ValidationError):
        normalise_phone(bad)


def test_nip_is_stored_as_ten_digits():
    assert normalise_nip("525-000-58-34") == "5250005834"
    assert normalise_nip("PL 525 000 58 34") == "5250005834"


def test_nip_with_wrong_check_digit_is_rejected():
    with pytest.raises(ValidationError):
        normalise_nip("5250005835")


def test_polish_postal_code_must_be_nn_nnn():
    assert normalise_postal_code("00950", "PL") == "00-950"
    assert normalise_postal_code("00-950", "PL") == "00-950"
    with pytest.raises(ValidationError):
        normalise_postal_code("0-950", "PL")
    assert normalise_postal_code("10115", "DE") == "10115"


def test_website_gets_a_scheme_and_must_be_http():
    assert normalise_website("example.pl") == "https://example.pl"
    assert normalise_website("http://example.pl/o-nas") == "http://example.pl/o-nas"
    with pytest.raises(ValidationError):
        normalise_website("ftp://example.pl")


def test_every_bad_field_gets_its_own_message():
    with pytest.raises(ValidationError) as caught:
        clean_client_fields({"first_name": "", "email": "x", "nip": "1", "postal_code": "1", "country": "PL"})
    assert set(caught.value.error_dict) == {"first_name", "email", "nip", "postal_code"}


@given(st.text(max_size=40))
def test_folding_is_idempotent_and_lower_case(text):
    once = fold(text)
    assert fold(once) == once
    assert once == once.lower()


def test_folding_removes_polish_diacritics():
    assert fold("Łódź ŻÓŁĆ gęślą") == "lodz zolc gesla"


PREFIXES = ["21", "39", "45", "50", "51", "53", "57", "60", "64", "66", "69", "70", "72", "73", "78", "79", "801",
            "804", "88", "22", "12", "91", "19", "30", "11"]  # fmt: skip


@given(st.sampled_from(PREFIXES), st.integers(min_value=0, max_value=10**9 - 1))
def test_the_mobile_shortcut_formats_phones_as_phonenumbers_does(prefix, digits):
    import phonenumbers

    national = (prefix + str(digits).zfill(9))[:9]
    number = phonenumbers.parse(f"+48{national}", None)
    expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    assert format_phone(f"+48{national}") == expected
