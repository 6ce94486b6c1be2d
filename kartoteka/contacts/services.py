"""Every write to contact persons. Views and the API call only these.

Each write keeps the client's search_text in step (the list's search finds a client by its
contact persons) and records an event in the client's History, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kartoteka.audit.services import audit_record, field_changes
from kartoteka.clients.models import Client
from kartoteka.clients.search import search_text_refresh
from kartoteka.contacts import fields
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.validation import clean_contact_fields
from kartoteka.core.actors import Actor
from kartoteka.core.errors import ApplicationError
from kartoteka.core.permissions import require_perm

_DEFAULTS: dict[str, Any] = {f.name: f.name == "is_contact_person" if f.flag else "" for f in fields.CONTACT_FIELDS}


def _refuse_if_archived(client: Client) -> None:
    if client.is_archived:
        raise ApplicationError(_("This client is in the archive. Restore it before changing it."))


def _snapshot(contact: ContactPerson) -> dict[str, Any]:
    return {name: getattr(contact, name) for name in fields.EDITABLE}


def _record(actor: Actor, event: str, contact: ContactPerson, changes: dict[str, list[Any]] | None = None) -> None:
    audit_record(
        actor=actor,
        event_type=f"contacts.contact.{event}",
        client=contact.client,
        changes=changes,
        details={"contact_id": contact.pk, "contact_name": contact.full_name},
    )


def contact_check_change(*, actor: Actor, client: Client, perm: str = "change") -> None:
    """Raise unless the actor may add/change/delete the client's contact persons now (asked
    before a form is shown, so nobody fills in a form they may not save)."""
    require_perm(actor, f"contacts.{perm}_contactperson")
    _refuse_if_archived(client)


@transaction.atomic(durable=True)
def contact_create(*, actor: Actor, client: Client, data: dict[str, Any]) -> ContactPerson:
    contact_check_change(actor=actor, client=client, perm="add")
    values = clean_contact_fields({**_DEFAULTS, **{k: v for k, v in data.items() if k in fields.EDITABLE}})
    contact = ContactPerson.objects.create(client=client, **values)
    search_text_refresh(client.pk)
    _record(actor, "created", contact, field_changes({}, _snapshot(contact)))
    return contact


@transaction.atomic(durable=True)
def contact_update(*, actor: Actor, contact: ContactPerson, data: dict[str, Any]) -> ContactPerson:
    """Change the given fields; the others stay."""
    contact_check_change(actor=actor, client=contact.client)
    before = _snapshot(contact)
    values = clean_contact_fields({k: v for k, v in data.items() if k in fields.EDITABLE})
    for name, value in values.items():
        setattr(contact, name, value)
    changes = field_changes(before, _snapshot(contact))
    if not changes:
        return contact
    contact.save()
    if set(changes) & set(fields.SEARCHABLE):
        search_text_refresh(contact.client_id)
    _record(actor, "updated", contact, changes)
    return contact


@transaction.atomic(durable=True)
def contact_delete(*, actor: Actor, contact: ContactPerson) -> None:
    contact_check_change(actor=actor, client=contact.client, perm="delete")
    _record(actor, "deleted", contact)
    contact.delete()
    search_text_refresh(contact.client_id)
