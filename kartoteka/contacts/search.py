"""The client list's search finds a client by its contact persons' names, e-mails and phones.

Their values are folded into the client's own `search_text` (the one text both full-text indexes
cover), so the list's search keeps its shape and speed: one indexed match, no join. The contact
services call `search_text_refresh` in the same transaction as every create, change and removal.
"""

from __future__ import annotations

from typing import Any

from kartoteka.clients.search import register_search_source
from kartoteka.contacts import fields
from kartoteka.contacts.models import ContactPerson


def contact_search_values(client_id: int) -> list[dict[str, Any]]:
    return list(ContactPerson.objects.filter(client_id=client_id).order_by("id").values(*fields.SEARCHABLE))


register_search_source(contact_search_values)
