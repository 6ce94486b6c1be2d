"""Every read of attributes and of clients' attribute values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kartoteka.attributes.models import Attribute
from kartoteka.attributes.services import client_values
from kartoteka.attributes.values import Definition, definitions
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.errors import NotFound
from kartoteka.core.permissions import require_perm


def attributes_all(*, actor: Actor) -> QuerySet[Attribute]:
    require_perm(actor, "attributes.view_attribute")
    return Attribute.objects.prefetch_related("options")


def attribute_get(*, actor: Actor, attribute_id: int) -> Attribute:
    attribute = attributes_all(actor=actor).filter(pk=attribute_id).first()
    if attribute is None:
        raise NotFound(_("Attribute not found."))
    return attribute


def attribute_definitions(*, actor: Actor) -> list[Definition]:
    require_perm(actor, "attributes.view_attribute")
    return definitions()


def clients_with_attributes(clients: Sequence[Client], *, defs: Sequence[Definition] | None = None) -> Sequence[Client]:
    """Attach `attribute_json` ({key: JSON value or null}) to each client: three queries for a page
    (definitions, options, values), never one per client."""
    defs = definitions() if defs is None else defs
    values = client_values([c.pk for c in clients], defs) if clients and defs else {}
    for client in clients:
        own = values.get(client.pk, {})
        client.attribute_json = {d.key: d.to_json(own.get(d.attribute.pk)) for d in defs}  # type: ignore[attr-defined]
    return clients


def attribute_json(client: Client) -> dict[str, Any]:
    if not hasattr(client, "attribute_json"):
        clients_with_attributes([client])
    found: dict[str, Any] = client.attribute_json  # type: ignore[attr-defined]
    return found


def client_attribute_rows(client: Client) -> list[tuple[Definition, str]]:
    """(definition, shown value) of every attribute, in display order, for the client's page."""
    defs = definitions()
    own = client_values([client.pk], defs).get(client.pk, {}) if defs else {}
    return [(d, d.display(own.get(d.attribute.pk))) for d in defs]


def attribute_filter_choices() -> list[dict[str, Any]]:
    """The client list's attribute filter: each attribute's key, name, type and list values."""
    return [
        {"key": d.key, "name": d.attribute.name, "type": d.type, "values": [o.label for o in d.options]}
        for d in definitions()
    ]
