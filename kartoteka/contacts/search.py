"""The client list's search finds a client by its contact persons' names, e-mails and phones.

Their values are folded into the client's own `search_text` (the one text both full-text indexes
cover), so the list's search keeps its shape and speed: one indexed match, no join. The contact
services call `search_text_refresh` in the same transaction as every create, change and removal.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from kartoteka.clients.search import register_search_source
from kartoteka.contacts import fields
from kartoteka.contacts.models import ContactPerson


def contact_search_values(client_ids: Collection[int]) -> dict[int, list[dict[str, Any]]]:
    """Per client id, its contact persons' searchable values (one query for all the ids)."""
    values: dict[int, list[dict[str, Any]]] = {}
    rows = ContactPerson.objects.filter(client_id__in=client_ids).order_by("client_id", "id")
    for row in rows.values("client_id", *fields.SEARCHABLE):
        values.setdefault(row.pop("client_id"), []).append(row)
    return values


register_search_source(contact_search_values)
