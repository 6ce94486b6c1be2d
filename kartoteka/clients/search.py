"""Client search behind one function, on SQLite FTS5 (trigram) or PostgreSQL pg_trgm.

Both index `Client.search_text`, a folded copy of the searchable fields (services keep it
up to date), so 'lodz' finds 'Łódź' and any part of a word of three letters or more matches.

Other apps add what else finds a client (contact persons' names, e-mails and phones) by
registering a search source: for some clients, each one's value dicts (shaped like a client's
fields) to fold into its search_text. `search_text_for(..., client_id=)` includes them, and the app
calls `search_text_refresh` in the same transaction as each change to its rows
(`search_text_refresh_many` after a set-based load: a fixed number of queries for any number).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL

from kartoteka.clients import fields
from kartoteka.core.filtering import Unindexed
from kartoteka.core.text import fold

if TYPE_CHECKING:
    from kartoteka.clients.models import Client

FTS_TABLE = "clients_client_fts"
_TRIGRAM = 3


# For some client ids: per client id, more value dicts (keys of fields.SEARCHABLE) whose text finds
# that client (one query for all the ids; a client without any may be missing from the answer).
SearchSource = Callable[[Collection[int]], dict[int, list[dict[str, Any]]]]
_SOURCES: list[SearchSource] = []


def register_search_source(source: SearchSource) -> SearchSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def search_text_for(values: dict[str, Any], *, client_id: int | None = None) -> str:
    """The folded text that search matches, built from a client's searchable field values
    (and, given the client's id, from the registered sources' values for it)."""
    extra = [] if client_id is None else [r for source in _SOURCES for r in source([client_id]).get(client_id, [])]
    return _fold_records([values, *extra])


def _fold_records(records: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for record in records:
        for name in fields.SEARCHABLE:
            value = str(record.get(name) or "")
            if name == "phone":  # found by "+48600…", "48600…" and the national "600…"
                parts += [value.lstrip("+"), _national_digits(value)]
            else:
                parts.append(value)
    return fold(" ".join(p for p in parts if p))


def search_text_refresh(client_id: int) -> None:
    """Recompute one client's search_text after a change to rows a search source reads
    (one read of the client, the sources' reads, one UPDATE; the SQLite index follows by trigger)."""
    from kartoteka.clients.models import Client

    values = Client._base_manager.filter(pk=client_id).values(*fields.SEARCHABLE).first()
    if values is not None:
        text = search_text_for(values, client_id=client_id)
        Client._base_manager.filter(pk=client_id).update(search_text=text)


def search_text_refresh_many(client_ids: Collection[int], *, batch: int = 1000) -> int:
    """`search_text_refresh` for many clients, set-based: per batch one read of the clients, one
    read per search source and one UPDATE (the SQLite index follows by trigger). The rows updated."""
    from kartoteka.clients.models import Client

    ids = sorted(set(client_ids))
    updated = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        rows = list(Client._base_manager.filter(pk__in=chunk).values("pk", *fields.SEARCHABLE))
        extra = [source(chunk) for source in _SOURCES]
        clients = [
            Client(pk=row["pk"], search_text=_fold_records([row, *(r for e in extra for r in e.get(row["pk"], []))]))
            for row in rows
        ]
        updated += Client._base_manager.bulk_update(clients, ["search_text"])
    return updated


def sort_name_for(values: dict[str, Any]) -> str:
    """The key the list sorts names by: folded last name, then first name."""
    return fold(f"{values.get('last_name') or ''} {values.get('first_name') or ''}")[:201]


def _national_digits(e164: str) -> str:
    return e164[3:] if e164.startswith("+48") else ""


def query_terms(q: str) -> list[str]:
    """Search words, folded; a phone typed with spaces or dashes ('600 123-456') stays one word."""
    folded = fold(q)
    if re.fullmatch(r"[\d\s+()-]+", folded):
        digits = re.sub(r"\D", "", folded)
        return [digits] if digits else []
    return [t for t in re.split(r"[\s,;]+", folded) if t]


def _split(q: str) -> tuple[list[str], list[str]]:
    """(terms too short for the trigram index, indexed terms)."""
    terms = query_terms(q)
    return [t for t in terms if len(t) < _TRIGRAM], [t for t in terms if len(t) >= _TRIGRAM]


def _fts_match(terms: list[str]) -> str:
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def search_filter(queryset: QuerySet[Client], q: str, *, probe_from: int | None = None) -> QuerySet[Client]:
    """Clients matching every term of `q`.

    SQLite, with `probe_from`: when the search matches that many clients or more, the query is
    told to check each row against the matches (for a page walking another index) instead of
    starting from the matches and sorting them all.
    """
    short, long = _split(q)
    for term in short:  # too short for a trigram index: a plain scan, still correct
        queryset = queryset.filter(search_text__contains=term)
    if not long:
        return queryset
    if connection.vendor == "sqlite":
        # The MATCH text is a bound parameter; only the constant table name is interpolated.
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        match = _fts_match(long)
        if probe_from and _has_at_least(sql, match, probe_from):
            queryset = queryset.alias(_id=Unindexed("id", output_field=BigIntegerField()))
            return queryset.filter(_id__in=RawSQL(sql, (match,)))  # noqa: S611
        return queryset.filter(id__in=RawSQL(sql, (match,)))  # noqa: S611
    condition = Q()
    for term in long:
        condition &= Q(search_text__contains=term)
    return queryset.filter(condition)


def _has_at_least(sql: str, match: str, count: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT 1 OFFSET %s", (match, count - 1))
        return cursor.fetchone() is not None


def search_join(queryset: QuerySet[Client], q: str, *, key: str) -> QuerySet[Client] | None:
    """SQLite: the same search as a join with the full-text index, whose rowid (the client's id)
    is annotated as `key`, so that a page ordered by it walks the index and stops after one page.

    None when no term is long enough to use the index. Only for reading pages: an UPDATE or
    DELETE cannot take the extra table (use search_filter for those).
    """
    short, long = _split(q)
    if not long or connection.vendor != "sqlite":
        return None
    for term in short:
        queryset = queryset.filter(search_text__contains=term)
    client_table = connection.ops.quote_name(queryset.model._meta.db_table)
    # extra(): the ORM cannot join a table that has no model; only constant names are interpolated.
    joined: QuerySet[Client] = queryset.extra(  # noqa: S610
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = {client_table}.id", f"{FTS_TABLE} MATCH %s"],
        params=[_fts_match(long)],
    ).annotate(**{key: RawSQL(f"{FTS_TABLE}.rowid", ())})  # noqa: S611
    return joined


def rebuild_index() -> None:
    """Rebuild the SQLite full-text index from search_text (after a raw bulk load)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
