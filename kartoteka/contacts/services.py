"""Every write to contact persons. Views and the API call only these.

Each write keeps the client's search_text in step (the list's search finds a client by its
contact persons) and records an event in the client's History, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
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


class StaleContact(ApplicationError):
    """The contact person changed (or was removed) since the caller read it; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this contact person meanwhile. Look at the current data and save again.")
        )


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
def contact_update(
    *, actor: Actor, contact: ContactPerson, data: dict[str, Any], expected_version: int | None = None
) -> ContactPerson:
    """Change the given fields; the others stay.

    One conditional UPDATE (`WHERE version = <the version the caller saw>`, default: the one
    read): a change made on a stale copy raises StaleContact instead of overwriting another's.
    """
    contact_check_change(actor=actor, client=contact.client)
    version = contact.version if expected_version is None else expected_version
    before = _snapshot(contact)
    values = clean_contact_fields({k: v for k, v in data.items() if k in fields.EDITABLE})
    for name, value in values.items():
        setattr(contact, name, value)
    changes = field_changes(before, _snapshot(contact))
    if not changes:
        if version != contact.version:
            raise StaleContact
        return contact
    now = timezone.now()
    written = {name: values[name] for name in changes}
    updated = ContactPerson.objects.filter(pk=contact.pk, version=version).update(
        **written, version=F("version") + 1, updated_at=now
    )
    if not updated:
        raise StaleContact
    contact.version, contact.updated_at = version + 1, now
    if set(changes) & set(fields.SEARCHABLE):
        search_text_refresh(contact.client_id)
    _record(actor, "updated", contact, changes)
    return contact


@transaction.atomic(durable=True)
def contact_delete(*, actor: Actor, contact: ContactPerson, expected_version: int | None = None) -> None:
    """Remove a contact person, unless it changed since the caller read it (StaleContact)."""
    contact_check_change(actor=actor, client=contact.client, perm="delete")
    version = contact.version if expected_version is None else expected_version
    deleted, _by_model = ContactPerson.objects.filter(pk=contact.pk, version=version).delete()
    if not deleted:
        raise StaleContact
    _record(actor, "deleted", contact)
    search_text_refresh(contact.client_id)
