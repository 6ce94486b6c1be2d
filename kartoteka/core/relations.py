"""What deleting, merging and anonymising do to everything that belongs to a client.

Every model with a relation to Client declares a `client_relation` class attribute (and Client
declares one per many-to-many field in `Client.m2m_relations`). `client_relations()` yields each
relation with its declaration; the relation test walks it and fails when a relation has no
declaration or lacks a policy, and deletion (later merge and anonymisation too) walks the same
function, so a new model cannot be forgotten by any of them (R9, R15).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.db.models import Model, Q


class OnDelete(StrEnum):
    DELETE = "delete"  # the rows belong to the client: deleted with it
    REFUSE = "refuse"  # a client with such rows cannot be deleted
    LEAVE = "leave"  # the rows stay, pointing at the gone client's id (the audit log)


class OnMerge(StrEnum):
    MOVE = "move"  # re-point the rows to the base client
    UNION = "union"  # many-to-many: the base gets the union of all sets
    KEEP_BASE = "keep_base"  # the base's rows stay, the merged clients' rows are dropped
    KEEP = "keep"  # every client's rows stay where they are (history is not rewritten)
    REFUSE = "refuse"  # a merge involving such rows is refused


class OnAnonymise(StrEnum):
    DELETE = "delete"  # the rows are personal data: remove them
    SCRUB = "scrub"  # keep the row (counts, amounts), blank its personal fields
    KEEP = "keep"  # holds no personal data


@dataclass(frozen=True)
class ClientRelation:
    on_merge: OnMerge
    on_anonymise: OnAnonymise
    personal_fields: tuple[str, ...] = ()
    # Required in practice: the relation test fails without it, and deletion refuses meanwhile.
    on_delete: OnDelete | None = None
    # Rows matching this stop a deletion whatever on_delete says (e.g. open cases), named by
    # `refuse_delete_reason` in the refusal; the other rows follow on_delete.
    refuse_delete_if: Q | None = None
    refuse_delete_reason: Any = ""
    # What the rows keep outside the database (files): called with the rows that deletion is
    # about to remove (and anonymisation to scrub), inside the transaction; it releases that
    # after the commit. None: the rows keep nothing outside the database.
    release: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class Relation:
    """One relation to Client: rows of `model` whose field `field` holds a client's id."""

    model: type[Model]  # for a many-to-many relation, its through table
    field: str
    declaration: ClientRelation | None  # None: undeclared (the relation test fails)
    name: str  # what a person calls the rows, e.g. "notes"

    @property
    def on_delete(self) -> OnDelete:
        return (self.declaration and self.declaration.on_delete) or OnDelete.REFUSE


def client_relations() -> Iterator[Relation]:
    """Every relation to Client: foreign keys of other models, then Client's many-to-many fields."""
    client: Any = apps.get_model("clients", "Client")
    for rel in client._meta.related_objects:
        model: Any = rel.related_model
        if model._meta.auto_created:
            continue
        declaration = getattr(model, "client_relation", None)
        if rel.many_to_many:  # another model's many-to-many to Client: rows of its through table
            yield Relation(rel.through, rel.field.m2m_reverse_field_name(), declaration, _plural(model))
        else:
            yield Relation(model, rel.field.name, declaration, _plural(model))
    for field in client._meta.many_to_many:
        m2m: Any = field
        yield Relation(
            m2m.remote_field.through,
            m2m.m2m_field_name(),
            client.m2m_relations.get(field.name),
            str(field.verbose_name),
        )


def _plural(model: Any) -> str:
    return str(model._meta.verbose_name_plural)
