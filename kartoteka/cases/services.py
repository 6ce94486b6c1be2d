"""Every write to cases. Views and the API call only these.

Each change is one conditional UPDATE (`WHERE version = <the version the caller saw>`): an edit
made on a stale copy is refused with StaleCase instead of silently overwriting someone else's.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.audit.services import audit_record, field_changes
from kartoteka.cases.models import Case
from kartoteka.cases.validation import EDITABLE, clean_case_fields
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor, user_of
from kartoteka.core.errors import ApplicationError, ValidationError
from kartoteka.core.permissions import require_perm
from kartoteka.core.text import fold


class StaleCase(ApplicationError):
    """The case changed since the caller read it; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(_("Someone else changed this case meanwhile. Reload it and make your change again."))


def _refuse_if_archived(client: Client) -> None:
    if client.is_archived:
        raise ApplicationError(_("This client is in the archive: its cases can be read but not changed."))


def recorded_values(case: Case) -> dict[str, Any]:
    """The recorded values (the owner by name: the history shows who it was at the time)."""
    return {
        "title": case.title,
        "description": case.description,
        "owner": str(case.owner) if case.owner else None,
        "opened_at": case.opened_at.isoformat() if case.opened_at else None,
    }


def derived_columns(title: str, description: str) -> dict[str, str]:
    return {"sort_title": fold(title)[:200], "search_text": fold(f"{title} {description}")}


@transaction.atomic(durable=True)
def case_create(*, actor: Actor, client: Client, data: dict[str, Any]) -> Case:
    """Open a case for the client; the owner defaults to the actor, the opening to now."""
    require_perm(actor, "cases.add_case")
    _refuse_if_archived(client)
    given = {name: data[name] for name in EDITABLE if name in data}
    given.setdefault("title", "")
    if given.get("opened_at") in (None, ""):
        given["opened_at"] = timezone.now()
    values = clean_case_fields(given)
    if values.get("owner") is None:
        values["owner"] = user_of(actor)
    case = Case(client=client, created_by=user_of(actor), **values)
    case.description = values.get("description", "")
    for name, value in derived_columns(case.title, case.description).items():
        setattr(case, name, value)
    case.save()
    audit_record(
        actor=actor,
        event_type="cases.case.created",
        client=client,
        changes=field_changes({}, recorded_values(case)),
        details={"case_id": case.pk, "title": case.title},
    )
    return case


@transaction.atomic(durable=True)
def case_update(*, actor: Actor, case: Case, data: dict[str, Any], expected_version: int | None = None) -> Case:
    """Change the given fields (of title, description, owner, opened_at); the others stay."""
    require_perm(actor, "cases.change_case")
    _refuse_if_archived(case.client)
    before = recorded_values(case)
    values = clean_case_fields({name: data[name] for name in EDITABLE if name in data})
    for name, value in values.items():
        setattr(case, name, value)
    if case.closed_at and case.opened_at > case.closed_at:
        raise ValidationError({"opened_at": [_("A case cannot be opened after it was closed.")]})
    changes = field_changes(before, recorded_values(case))
    columns = {**values, **derived_columns(case.title, case.description)}
    _write(case, columns, expected_version)
    if changes:
        audit_record(
            actor=actor, event_type="cases.case.updated", client=case.client, changes=changes,
            details={"case_id": case.pk, "title": case.title},
        )  # fmt: skip
    return case


@transaction.atomic(durable=True)
def case_close(*, actor: Actor, case: Case, expected_version: int | None = None) -> Case:
    require_perm(actor, "cases.change_case")
    _refuse_if_archived(case.client)
    if not case.is_open:
        raise ApplicationError(_("This case is already closed."))
    now = timezone.now()
    _write(case, {"status": Case.Status.CLOSED, "closed_at": now}, expected_version)
    case.status, case.closed_at = Case.Status.CLOSED, now
    audit_record(
        actor=actor, event_type="cases.case.closed", client=case.client,
        changes={"status": [Case.Status.OPEN, Case.Status.CLOSED]}, details={"case_id": case.pk, "title": case.title},
    )  # fmt: skip
    return case


@transaction.atomic(durable=True)
def case_reopen(*, actor: Actor, case: Case, expected_version: int | None = None) -> Case:
    require_perm(actor, "cases.change_case")
    _refuse_if_archived(case.client)
    if case.is_open:
        raise ApplicationError(_("This case is already open."))
    _write(case, {"status": Case.Status.OPEN, "closed_at": None}, expected_version)
    case.status, case.closed_at = Case.Status.OPEN, None
    audit_record(
        actor=actor, event_type="cases.case.reopened", client=case.client,
        changes={"status": [Case.Status.CLOSED, Case.Status.OPEN]}, details={"case_id": case.pk, "title": case.title},
    )  # fmt: skip
    return case


@transaction.atomic(durable=True)
def case_delete(*, actor: Actor, case: Case, expected_version: int | None = None) -> None:
    """Delete a case for good (managers); its history entries stay on the client."""
    require_perm(actor, "cases.delete_case")
    _refuse_if_archived(case.client)
    deleted, _by_model = Case.objects.filter(pk=case.pk, version=_expected(case, expected_version)).delete()
    if not deleted:
        raise StaleCase
    audit_record(
        actor=actor, event_type="cases.case.deleted", client=case.client,
        details={"case_id": case.pk, "title": case.title},
    )  # fmt: skip


def _expected(case: Case, expected_version: int | None) -> int:
    return case.version if expected_version is None else expected_version


def _write(case: Case, columns: dict[str, Any], expected_version: int | None) -> None:
    """One conditional UPDATE; StaleCase when the case is not at the expected version any more."""
    version = _expected(case, expected_version)
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, version=version).update(
        **columns, version=F("version") + 1, updated_at=now
    )
    if not updated:
        raise StaleCase
    case.version, case.updated_at = version + 1, now
