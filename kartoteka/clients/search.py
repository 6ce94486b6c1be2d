"""Client search behind one function, on SQLite FTS5 (trigram) or PostgreSQL pg_trgm.

Both index `Client.search_text`, a folded copy of the searchable fields (services keep it
up to date), so 'lodz' finds 'Łódź' and any part of a word of three letters or more matches.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from kartoteka.core.text import fold

if TYPE_CHECKING:
    from kartoteka.clients.models import Client

FTS_TABLE = "clients_client_fts"
_TRIGRAM = 3


def search_text_for(values: dict[str, Any]) -> str:
    """The folded text that search matches, built from a client's field values."""
    phone = str(values.get("phone") or "")
    parts = [
        values.get("first_name"),
        values.get("last_name"),
        values.get("company_name"),
        values.get("email"),
        phone.lstrip("+"),
        _national_digits(phone),
        values.get("nip"),
        values.get("city"),
    ]
    return fold(" ".join(str(p) for p in parts if p))


def _national_digits(e164: str) -> str:
    return e164[3:] if e164.startswith("+48") else ""


def query_terms(q: str) -> list[str]:
    """Search words, folded; a phone typed with spaces or dashes ('600 123-456') stays one word."""
    folded = fold(q)
    if re.fullmatch(r"[\d\s+()-]+", folded):
        digits = re.sub(r"\D", "", folded)
        return [digits] if digits else []
    return [t for t in re.split(r"[\s,;]+", folded) if t]


def search_filter(queryset: QuerySet[Client], q: str) -> QuerySet[Client]:
    terms = query_terms(q)
    if not terms:
        return queryset
    short = [t for t in terms if len(t) < _TRIGRAM]
    long = [t for t in terms if len(t) >= _TRIGRAM]
    for term in short:  # too short for a trigram index: a plain scan, still correct
        queryset = queryset.filter(search_text__contains=term)
    if not long:
        return queryset
    if connection.vendor == "sqlite":
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long)
        # The MATCH text is a bound parameter; only the constant table name is interpolated.
        ids = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (match,))  # noqa: S608, S611
        return queryset.filter(id__in=ids)
    condition = Q()
    for term in long:
        condition &= Q(search_text__contains=term)
    return queryset.filter(condition)


def rebuild_index() -> None:
    """Rebuild the SQLite full-text index from search_text (after a raw bulk load)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
