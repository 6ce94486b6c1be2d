"""Every write to clients, notes, groups and labels. Views and the API call only these."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.attributes import services as attribute_services
from kartoteka.attributes.values import Definition
from kartoteka.audit.services import audit_record, field_changes
from kartoteka.clients import fields, operations
from kartoteka.clients.models import Client, ClientGroup, ColouredSet, Label, Note
from kartoteka.clients.search import search_text_for, sort_name_for
from kartoteka.clients.selectors import client_duplicates
from kartoteka.clients.validation import (
    NOTE_MAX_LENGTH,
    SET_NAME_MAX_LENGTH,
    check_text,
    clean_client_fields,
    normalise_color,
)
from kartoteka.core.actors import Actor, user_of
from kartoteka.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationError
from kartoteka.core.permissions import require_perm

SetModel = type[ClientGroup] | type[Label]


class PossibleDuplicates(ApplicationError):
    """Clients with the same e-mail, NIP or phone exist; the caller may confirm and go on."""

    def __init__(self, duplicates: list[Client]) -> None:
        super().__init__(_("Clients with the same e-mail, NIP or phone already exist."))
        self.duplicates = duplicates


def _check_duplicates(values: dict[str, Any], *, exclude_id: int | None, actor: Actor) -> None:
    duplicates = client_duplicates(
        actor=actor,
        email=values.get("email", ""),
        nip=values.get("nip", ""),
        phone=values.get("phone", ""),
        exclude_id=exclude_id,
    )
    if duplicates:
        raise PossibleDuplicates(duplicates)


def _sets(model: type[ClientGroup] | type[Label], ids: Iterable[int], field: str) -> list[Any]:
    wanted = set(ids)
    found = list(model.objects.filter(id__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError(
            {
                field: [
                    _("Unknown id: %(ids)s.")
                    % {"ids": ", ".join(str(i) for i in sorted(wanted - {o.pk for o in found}))}
                ]
            }
        )
    return found


def client_snapshot(client: Client) -> dict[str, Any]:
    """The client's editable values as the history records them (groups and labels by name)."""
    values: dict[str, Any] = {name: getattr(client, name) for name in fields.EDITABLE}
    # Names, not ids: the history shows what the sets were called at the time.
    values["groups"] = sorted(client.groups.values_list("name", flat=True)) if client.pk else []
    values["labels"] = sorted(client.labels.values_list("name", flat=True)) if client.pk else []
    return values


def _clean_with_attributes(
    clean: Callable[[], dict[str, Any]],
    attributes: Mapping[str, Any] | None,
    *,
    current: Mapping[int, Any],
    partial: bool,
    defs: Sequence[Definition],
) -> tuple[dict[str, Any], dict[int, Any]]:
    """The client's fields and its custom attributes, cleaned: one ValidationError for both."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    changed: dict[int, Any] = {}
    try:
        values = clean()
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if attributes is not None or not partial:
        try:
            changed = attribute_services.client_values_clean(attributes, current=current, partial=partial, defs=defs)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return values, changed


@transaction.atomic(durable=True)
def client_create(
    *,
    actor: Actor,
    data: dict[str, Any],
    groups: Sequence[int] = (),
    labels: Sequence[int] = (),
    source: str = Client.Source.MANUAL,
    allow_duplicates: bool = False,
    attributes: Mapping[str, Any] | None = None,
) -> Client:
    """Create a client; `attributes` ({key: value}) are its custom attributes (required ones must be there)."""
    require_perm(actor, "clients.add_client")
    defs = attribute_services.all_definitions()
    values, attribute_values = _clean_with_attributes(
        lambda: clean_client_fields({name: data.get(name, "") for name in fields.EDITABLE}),
        attributes,
        current={},
        partial=False,
        defs=defs,
    )
    group_objs = _sets(ClientGroup, groups, "groups")
    label_objs = _sets(Label, labels, "labels")
    if not allow_duplicates:
        _check_duplicates(values, exclude_id=None, actor=actor)
    client = Client(**values, source=source, created_by=user_of(actor), updated_by=user_of(actor))
    client.search_text = search_text_for(values)
    client.sort_name = sort_name_for(values)
    client.save()
    client.groups.set(group_objs)
    client.labels.set(label_objs)
    attribute_services.client_values_write(client.pk, attribute_values, defs)
    audit_record(
        actor=actor,
        event_type="clients.client.created",
        client=client,
        changes={
            **field_changes({}, client_snapshot(client)),
            **attribute_services.values_changes({}, attribute_values, defs),
        },
        details={"source": source},
    )
    return client


class StaleEdit(ApplicationError):
    """The client changed since the edit started (another user, a bulk action): nothing was saved.

    Carries the client as it is now, so the caller can show what changed meanwhile and offer the
    user's values again over the current version.
    """

    def __init__(self, client: Client) -> None:
        if client.is_archived:
            message = _("This client was moved to the archive meanwhile. Nothing was saved.")
        else:
            message = _("Someone else changed this client meanwhile. Nothing was saved.")
        super().__init__(message)
        self.client = client
        self.version = client.version
        self.current = client_snapshot(client)

    def changed_since(self, original: Mapping[str, Any]) -> dict[str, Any]:
        """{field: their value} for each field that differs from the values the edit started from."""
        return {name: value for name, value in self.current.items() if name in original and original[name] != value}


_UPDATE_ATTEMPTS = 3  # without an expected version, re-read and re-apply after a concurrent write


@transaction.atomic(durable=True)
def client_update(
    *,
    actor: Actor,
    client: Client,
    data: dict[str, Any],
    groups: Sequence[int] | None = None,
    labels: Sequence[int] | None = None,
    allow_duplicates: bool = False,
    expected_version: int | None = None,
    attributes: Mapping[str, Any] | None = None,
    replace_attributes: bool = False,
) -> Client:
    """Change the given fields (others stay); groups/labels are replaced when given.

    `attributes` ({key: value}) change the custom attributes given; with `replace_attributes`
    (the web form, an API PUT) every attribute not given is cleared and required ones are checked.

    Only the fields whose value differs are written, by one UPDATE conditional on the version
    read in this transaction, which it raises; status and archive are never written here. With
    `expected_version` (the version the edit started from: the form's, the API's If-Match), a
    client changed since is refused with StaleEdit; without one, the change applies to the client
    as it is now (re-read and re-applied if another write slips in between).
    """
    require_perm(actor, "clients.change_client")
    for _attempt in range(_UPDATE_ATTEMPTS):
        current = _current(client)
        if expected_version is not None and current.version != expected_version:
            raise StaleEdit(current)
        updated = _update_if_unchanged(
            actor,
            current,
            data,
            groups,
            labels,
            allow_duplicates=allow_duplicates,
            attributes=attributes,
            replace_attributes=replace_attributes,
        )
        if updated is not None:
            return updated
        if expected_version is not None:
            break
    raise StaleEdit(_current(client))


def _current(client: Client) -> Client:
    current = Client.objects.filter(pk=client.pk).first()
    if current is None:
        raise NotFound(_("Client not found."))
    return current


def _update_if_unchanged(
    actor: Actor,
    current: Client,
    data: dict[str, Any],
    groups: Sequence[int] | None,
    labels: Sequence[int] | None,
    *,
    allow_duplicates: bool,
    attributes: Mapping[str, Any] | None = None,
    replace_attributes: bool = False,
) -> Client | None:
    """Write what differs from `current`, if the client is still at its version; None when it is not."""
    _refuse_if_archived(current)
    before = client_snapshot(current)
    defs = attribute_services.all_definitions()
    attributes_before = attribute_services.client_values([current.pk], defs).get(current.pk, {})
    values, attributes_changed = _clean_with_attributes(
        lambda: clean_client_fields(
            {k: v for k, v in data.items() if k in fields.EDITABLE}, stored_country=current.country
        ),
        attributes,
        current=attributes_before,
        partial=not replace_attributes,
        defs=defs,
    )
    changed = {k: v for k, v in values.items() if before[k] != v}
    group_objs = _sets(ClientGroup, groups, "groups") if groups is not None else None
    label_objs = _sets(Label, labels, "labels") if labels is not None else None
    sets_changed = any(
        objs is not None and sorted(o.name for o in objs) != before[name]
        for name, objs in (("groups", group_objs), ("labels", label_objs))
    )
    if not changed and not sets_changed and not attributes_changed:
        return current
    if not allow_duplicates:
        _check_duplicates(changed, exclude_id=current.pk, actor=actor)
    merged = {**{name: before[name] for name in fields.EDITABLE}, **changed}
    row = {
        **changed,
        "search_text": search_text_for(merged, client_id=current.pk),  # with its contact persons etc.
        "sort_name": sort_name_for(merged),
    }
    written = Client.objects.filter(pk=current.pk, version=current.version).update(
        **row, updated_by=user_of(actor), updated_at=timezone.now(), version=F("version") + 1
    )
    if not written:
        return None
    if group_objs is not None:
        current.groups.set(group_objs)
    if label_objs is not None:
        current.labels.set(label_objs)
    attribute_services.client_values_write(current.pk, attributes_changed, defs)
    current.refresh_from_db()
    changes = {
        **field_changes(before, client_snapshot(current)),
        **attribute_services.values_changes(attributes_before, attributes_changed, defs),
    }
    if changes:
        audit_record(actor=actor, event_type="clients.client.updated", client=current, changes=changes)
    return current


def _refuse_if_archived(client: Client) -> None:
    if client.is_archived:
        raise ApplicationError(_("This client is in the archive. Restore it before changing it."))


@transaction.atomic(durable=True)
def client_set_status(*, actor: Actor, client: Client, status: str) -> Client:
    require_perm(actor, "clients.change_client")
    _refuse_if_archived(client)
    if status not in Client.Status.values:
        raise ValidationError({"status": [_("Choose one of: active, inactive.")]})
    if client.status == status:
        return client
    old = client.status
    operations.status_rows(_one(client), status=status, actor=user_of(actor), now=timezone.now())
    client.refresh_from_db()
    audit_record(
        actor=actor, event_type="clients.client.status_changed", client=client, changes={"status": [old, status]}
    )
    return client


# --- notes -----------------------------------------------------------------------


def _clean_note_text(text: str) -> str:
    try:
        text = check_text(text or "", limit=NOTE_MAX_LENGTH, multi_line=True).strip()
    except ValidationError as exc:
        raise ValidationError({"text": exc.messages}) from exc
    if not text:
        raise ValidationError({"text": [_("Write the note's text.")]})
    return text


@transaction.atomic(durable=True)
def note_create(*, actor: Actor, client: Client, text: str) -> Note:
    require_perm(actor, "clients.add_note")
    _refuse_if_archived(client)
    note = Note.objects.create(client=client, author=user_of(actor), text=_clean_note_text(text))
    audit_record(actor=actor, event_type="clients.note.created", client=client, details={"note_id": note.pk})
    return note


def _require_note_owner(actor: Actor, note: Note) -> None:
    _refuse_if_archived(note.client)
    if note.author_id != actor.pk and not actor.has_perm("clients.moderate_note"):
        raise PermissionDenied(_("You can change only your own notes."))


def note_check_change(*, actor: Actor, note: Note) -> None:
    """Raise unless the actor may edit or delete the note (asked before showing its form)."""
    _require_note_owner(actor, note)


@transaction.atomic(durable=True)
def note_update(*, actor: Actor, note: Note, text: str) -> Note:
    _require_note_owner(actor, note)
    note.text = _clean_note_text(text)
    note.save(update_fields=["text", "updated_at"])
    audit_record(actor=actor, event_type="clients.note.updated", client=note.client, details={"note_id": note.pk})
    return note


@transaction.atomic(durable=True)
def note_delete(*, actor: Actor, note: Note) -> None:
    _require_note_owner(actor, note)
    client, note_id = note.client, note.pk
    note.delete()
    audit_record(actor=actor, event_type="clients.note.deleted", client=client, details={"note_id": note_id})


# --- groups and labels -------------------------------------------------------------


def _clean_set_name(model: SetModel, raw: str, exclude_id: int | None) -> str:
    name = ColouredSet.normalise_name(check_text(raw, limit=SET_NAME_MAX_LENGTH))
    if not name:
        raise ValidationError(_("Enter a name."))
    if model.objects.filter(name_key=ColouredSet.key_of(name)).exclude(pk=exclude_id or 0).exists():
        raise ValidationError(_name_taken())
    return name


def _name_taken() -> str:
    return _("This name is already taken.")


def _clean_set_fields(
    model: type[ClientGroup] | type[Label], data: dict[str, Any], exclude_id: int | None
) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    name = ""
    try:
        name = _clean_set_name(model, str(data.get("name") or ""), exclude_id)
    except ValidationError as exc:
        errors["name"] = list(exc.messages)
    color = ""
    try:
        color = normalise_color(str(data.get("color") or ""))
    except ValidationError as exc:
        errors["color"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return {"name": name, "color": color}


def _save_set(obj: Any) -> None:
    """Save; the unique name key settles a race between two requests that both passed the check."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError({"name": [_name_taken()]}) from exc


def _set_create(model: SetModel, actor: Actor, data: dict[str, Any]) -> Any:
    require_perm(actor, f"clients.add_{model._meta.model_name}")
    obj = model(**_clean_set_fields(model, data, None))
    _save_set(obj)
    audit_record(
        actor=actor, event_type=f"clients.{model._meta.model_name}.created", details={"id": obj.pk, "name": obj.name}
    )
    return obj


def _set_update(model: SetModel, actor: Actor, obj: Any, data: dict[str, Any]) -> Any:
    require_perm(actor, f"clients.change_{model._meta.model_name}")
    values = _clean_set_fields(model, data, obj.pk)
    changes = field_changes({"name": obj.name, "color": obj.color}, values)
    for key, value in values.items():
        setattr(obj, key, value)
    _save_set(obj)
    audit_record(
        actor=actor, event_type=f"clients.{model._meta.model_name}.updated", details={"id": obj.pk}, changes=changes
    )
    return obj


def _set_delete(model: SetModel, actor: Actor, obj: Any) -> None:
    require_perm(actor, f"clients.delete_{model._meta.model_name}")
    audit_record(
        actor=actor, event_type=f"clients.{model._meta.model_name}.deleted", details={"id": obj.pk, "name": obj.name}
    )
    obj.delete()  # the membership rows go with it; the clients stay


@transaction.atomic(durable=True)
def group_create(*, actor: Actor, data: dict[str, Any]) -> ClientGroup:
    return _set_create(ClientGroup, actor, data)  # type: ignore[no-any-return]


@transaction.atomic(durable=True)
def group_update(*, actor: Actor, group: ClientGroup, data: dict[str, Any]) -> ClientGroup:
    return _set_update(ClientGroup, actor, group, data)  # type: ignore[no-any-return]


@transaction.atomic(durable=True)
def group_delete(*, actor: Actor, group: ClientGroup) -> None:
    _set_delete(ClientGroup, actor, group)


@transaction.atomic(durable=True)
def label_create(*, actor: Actor, data: dict[str, Any]) -> Label:
    return _set_create(Label, actor, data)  # type: ignore[no-any-return]


@transaction.atomic(durable=True)
def label_update(*, actor: Actor, label: Label, data: dict[str, Any]) -> Label:
    return _set_update(Label, actor, label, data)  # type: ignore[no-any-return]


@transaction.atomic(durable=True)
def label_delete(*, actor: Actor, label: Label) -> None:
    _set_delete(Label, actor, label)


# --- archive and permanent deletion -------------------------------------------------
# The same set-based statements as the bulk actions (clients.operations), for one client.


def _one(client: Client) -> Any:
    return Client.objects.filter(pk=client.pk)


@transaction.atomic(durable=True)
def client_archive(*, actor: Actor, client: Client) -> Client:
    """Move to the archive: INACTIVE, off the client list, its portal users can no longer log in."""
    require_perm(actor, "clients.archive_client")
    if client.is_archived:
        raise ApplicationError(_("This client is already in the archive."))
    return _archive_state_change(actor, client, operations.archive_rows, "clients.client.archived")


@transaction.atomic(durable=True)
def client_restore(*, actor: Actor, client: Client) -> Client:
    """Bring an archived client back to the list, ACTIVE again; nothing else about it changes."""
    require_perm(actor, "clients.archive_client")
    if not client.is_archived:
        raise ApplicationError(_("This client is not in the archive."))
    return _archive_state_change(actor, client, operations.restore_rows, "clients.client.restored")


def _archive_state_change(actor: Actor, client: Client, rows_change: Callable[..., int], event_type: str) -> Client:
    """The same set-based statement as the bulk action, on one client, with its history entry."""
    old_status = client.status
    rows_change(_one(client), actor=actor, now=timezone.now())
    client.refresh_from_db()
    audit_record(actor=actor, event_type=event_type, client=client, changes={"status": [old_status, client.status]})
    return client


@transaction.atomic(durable=True)
def client_delete(*, actor: Actor, client: Client) -> None:
    """Delete an archived client for good, with everything that belongs to it (the audit log stays)."""
    require_perm(actor, "clients.delete_client")
    if not client.is_archived:
        raise ApplicationError(_("Only clients in the archive can be deleted permanently."))
    audit_record(actor=actor, event_type="clients.client.deleted", client=client, details={"client_id": client.pk})
    operations.delete_rows(_one(client))
