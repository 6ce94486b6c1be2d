import pytest

from kartoteka.core.pagination import InvalidCursor, decode_cursor, encode_cursor


def test_cursor_round_trips():
    assert decode_cursor(encode_cursor(["Nowak", "Anna", 42]), 3) == ["Nowak", "Anna", 42]


@pytest.mark.parametrize("bad", ["", "!!!", encode_cursor([1, 2])])
def test_malformed_cursor_is_refused(bad):
    with pytest.raises(InvalidCursor) as caught:
        decode_cursor(bad, 3)
    assert list(caught.value.error_dict) == ["cursor"]
