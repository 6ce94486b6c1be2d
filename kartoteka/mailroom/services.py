"""Every write to mail items. Views and the API call only these.

Each change is one conditional UPDATE (`WHERE version = <the version the caller saw>`): a change
made on a stale copy is refused with StaleMailItem instead of silently overwriting someone
else's. Every change records an event in the client's History. Mail of archived clients can
still be registered and handled: post keeps arriving for a former client (docs/decisions.md).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kartoteka.audit.services import audit_record, field_changes
from kartoteka.clients.models import Client
from kartoteka.contacts.selectors import contact_get
from kartoteka.core.actors import Actor, user_of
from kartoteka.core.errors import ApplicationError, NotFound, ValidationError
from kartoteka.core.permissions import require_perm
from kartoteka.core.text import fold
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.scans import (
    CheckedScan,
    ScanUpload,
    scan_check,
    scan_discard,
    scan_store,
    scans_delete_after_commit,
)
from kartoteka.mailroom.validation import EDITABLE, clean_forward_fields, clean_mail_fields


class StaleMailItem(ApplicationError):
    """The mail item changed since the caller read it; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(_("Someone else changed this mail item meanwhile. Reload it and try again."))


class CollectRefused(ApplicationError):
    """The person may not collect this mail: a message for the `contact` field (the API's 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extra={"errors": {"contact": [message]}})


def _snapshot(item: MailItem) -> dict[str, Any]:
    return {
        "received_on": item.received_on.isoformat() if item.received_on else None,
        "sender": item.sender,
        "kind": item.kind,
        "note": item.note,
    }


def _derived(sender: str, note: str) -> dict[str, str]:
    return {"sort_sender": fold(sender)[:200], "search_text": fold(f"{sender} {note}")}


def _record(actor: Actor, event: str, item: MailItem, changes: dict[str, list[Any]] | None = None,
            **details: Any) -> None:  # fmt: skip
    audit_record(
        actor=actor,
        event_type=f"mailroom.mail.{event}",
        client=item.client,
        changes=changes,
        details={"mail_id": item.pk, "sender": item.sender, "kind": item.kind, **details},
    )


def mail_check_change(*, actor: Actor, perm: str = "change") -> None:
    """Raise unless the actor may add/change/delete mail items (asked before a form is shown)."""
    require_perm(actor, f"mailroom.{perm}_mailitem")


def mail_item_create(*, actor: Actor, client: Client, data: dict[str, Any], scan: ScanUpload | None = None) -> MailItem:
    """Register mail received for the client (received today unless `received_on` is given),
    optionally with its scan (then its status is `scanned`)."""
    mail_check_change(actor=actor, perm="add")
    given = {name: data[name] for name in EDITABLE if name in data}
    given.setdefault("sender", "")
    # Not given: today, a letter. Given empty or null: refused like any bad value (the form leaves
    # its empty fields out).
    given.setdefault("received_on", timezone.localdate())
    given.setdefault("kind", MailItem.Kind.LETTER)
    values = clean_mail_fields(given)
    checked = scan_check(scan) if scan is not None else None
    stored = scan_store(scan) if scan is not None else ""
    try:
        return _create(actor, client, values, checked, stored)
    except BaseException:
        scan_discard(stored)
        raise


@transaction.atomic(durable=True)
def _create(actor: Actor, client: Client, values: dict[str, Any], checked: CheckedScan | None, stored: str) -> MailItem:
    item = MailItem(client=client, created_by=user_of(actor), **values)
    item.note = values.get("note", "")
    for name, value in _derived(item.sender, item.note).items():
        setattr(item, name, value)
    if checked is not None:
        _set_scan(item, checked, stored)
        item.status = MailItem.Status.SCANNED
    item.save()
    _record(actor, "received", item, field_changes({}, _snapshot(item)))
    if checked is not None:
        _record(actor, "scanned", item, scan=item.scan_name)
    return item


def _set_scan(item: MailItem, checked: CheckedScan, stored: str) -> dict[str, Any]:
    columns = {
        "scan_file": stored,
        "scan_name": checked.name,
        "scan_type": checked.content_type,
        "scan_size": checked.size,
        "scanned_at": timezone.now(),
    }
    for name, value in columns.items():
        setattr(item, name, value)
    return columns


@transaction.atomic(durable=True)
def mail_item_update(
    *, actor: Actor, item: MailItem, data: dict[str, Any], expected_version: int | None = None
) -> MailItem:
    """Change the given fields (of received_on, sender, kind, note); the others stay."""
    mail_check_change(actor=actor)
    before = _snapshot(item)
    values = clean_mail_fields({name: data[name] for name in EDITABLE if name in data})
    for name, value in values.items():
        setattr(item, name, value)
    changes = field_changes(before, _snapshot(item))
    _write(item, {**values, **_derived(item.sender, item.note)}, expected_version)
    if changes:
        _record(actor, "updated", item, changes)
    return item


def _refuse_if_gone(item: MailItem) -> None:
    """Collected or forwarded mail has left the office: it cannot be collected or forwarded again."""
    if item.status == MailItem.Status.COLLECTED:
        when = date_format(timezone.localtime(item.collected_at), "SHORT_DATETIME_FORMAT") if item.collected_at else ""
        raise ApplicationError(
            _("This mail item was already collected by %(name)s (%(when)s).")
            % {"name": item.collected_by_name, "when": when}
        )
    if item.status == MailItem.Status.FORWARDED:
        raise ApplicationError(_("This mail item was already forwarded on %(day)s.") % {"day": item.forwarded_on})


@transaction.atomic(durable=True)
def mail_item_collect(
    *, actor: Actor, item: MailItem, contact_id: int | None, expected_version: int | None = None
) -> MailItem:
    """Hand the item over to a contact person of its client who may collect mail (R3.3, R16).

    Anyone else is refused with a message for the `contact` field: a person of another client,
    no contact person at all, or one without "may collect mail".
    """
    mail_check_change(actor=actor)
    if contact_id is None:
        raise ValidationError({"contact": [_("Choose the contact person who collects the mail.")]})
    _refuse_if_gone(item)
    try:
        contact = contact_get(actor=actor, contact_id=contact_id, client=item.client)
    except NotFound:
        raise CollectRefused(_("This person is not a contact person of this client.")) from None
    if not contact.may_collect_mail:
        raise CollectRefused(
            _("%(name)s may not collect this client's mail: the contact person has no right to collect it.")
            % {"name": contact.full_name}
        )
    now = timezone.now()
    columns = {
        "status": MailItem.Status.COLLECTED,
        "collected_at": now,
        "collected_by": contact,
        "collected_by_name": contact.full_name,
        "handed_over_by": user_of(actor),
    }
    previous = item.status
    _write(item, columns, expected_version)
    for name, value in columns.items():
        setattr(item, name, value)
    _record(actor, "collected", item, {"status": [previous, item.status]}, contact_id=contact.pk,
            contact_name=contact.full_name)  # fmt: skip
    return item


@transaction.atomic(durable=True)
def mail_item_forward(
    *, actor: Actor, item: MailItem, data: dict[str, Any], expected_version: int | None = None
) -> MailItem:
    """Record that the item was sent on to an address (`forwarded_to`) on a day (`forwarded_on`, today by default)."""
    mail_check_change(actor=actor)
    values = clean_forward_fields(data)
    _refuse_if_gone(item)
    previous = item.status
    columns = {"status": MailItem.Status.FORWARDED, **values}
    _write(item, columns, expected_version)
    for name, value in columns.items():
        setattr(item, name, value)
    _record(actor, "forwarded", item, {"status": [previous, item.status], "forwarded_to": ["", item.forwarded_to]},
            forwarded_on=item.forwarded_on.isoformat() if item.forwarded_on else None)  # fmt: skip
    return item


def mail_item_scan_attach(
    *, actor: Actor, item: MailItem, scan: ScanUpload, expected_version: int | None = None
) -> MailItem:
    """Attach the item's scan (replacing an earlier one); mail still at the office becomes `scanned`."""
    mail_check_change(actor=actor)
    checked = scan_check(scan)
    stored = scan_store(scan)
    try:
        return _attach(actor, item, checked, stored, expected_version)
    except BaseException:
        scan_discard(stored)
        raise


@transaction.atomic(durable=True)
def _attach(actor: Actor, item: MailItem, checked: CheckedScan, stored: str, expected_version: int | None) -> MailItem:
    replaced = item.scan_file
    previous = item.status
    probe = MailItem(pk=item.pk)
    columns = _set_scan(probe, checked, stored)
    if item.status == MailItem.Status.RECEIVED:
        columns["status"] = MailItem.Status.SCANNED
    _write(item, columns, expected_version)
    for name, value in columns.items():
        setattr(item, name, value)
    scans_delete_after_commit([replaced])
    changes = {"status": [previous, item.status]} if previous != item.status else None
    _record(actor, "scanned", item, changes, scan=item.scan_name, replaced=bool(replaced))
    return item


@transaction.atomic(durable=True)
def mail_item_delete(*, actor: Actor, item: MailItem, expected_version: int | None = None) -> None:
    """Delete a mail item for good (managers), its scan file too; its history entries stay on the client."""
    mail_check_change(actor=actor, perm="delete")
    version = item.version if expected_version is None else expected_version
    deleted, _by_model = MailItem.objects.filter(pk=item.pk, version=version).delete()
    if not deleted:
        raise StaleMailItem
    scans_delete_after_commit([item.scan_file])
    _record(actor, "deleted", item, had_scan=bool(item.scan_file))


def _write(item: MailItem, columns: dict[str, Any], expected_version: int | None) -> None:
    """One conditional UPDATE; StaleMailItem when the item is not at the expected version any more."""
    version = item.version if expected_version is None else expected_version
    now = timezone.now()
    updated = MailItem.objects.filter(pk=item.pk, version=version).update(
        **columns, version=F("version") + 1, updated_at=now
    )
    if not updated:
        raise StaleMailItem
    item.version, item.updated_at = version + 1, now
