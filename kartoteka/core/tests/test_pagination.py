import pytest

from kartoteka.core.errors import ApplicationError
from kartoteka.core.pagination import decode_cursor, encode_cursor


def test_cursor_round_trips():
    assert decode_cursor(encode_cursor(["Nowak", "Anna", 42]), 3) == ["Nowak", "Anna", 42]


@pytest.mark.parametrize("bad", ["", "!!!", encode_cursor([1, 2])])
def test_malformed_cursor_is_refused(bad):
    with pytest.raises(ApplicationError):
        decode_cursor(bad, 3)
