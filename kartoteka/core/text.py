"""Text folding for search: case- and diacritic-insensitive, Polish letters included."""

import re
import unicodedata

# Letters that Unicode does not decompose into base letter + mark.
_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae"})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics and squeeze white space: 'Łódź  ŚLĄSK' -> 'lodz slask'."""
    text = text.translate(_EXTRA_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # lower() after casefold(): casefold maps some scripts (Cherokee) to upper case.
    return _SPACES.sub(" ", stripped.casefold().lower().translate(_EXTRA_FOLDS)).strip()
