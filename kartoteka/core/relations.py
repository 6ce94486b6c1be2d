"""What merging and anonymising do to everything that belongs to a client.

Every model with a relation to Client declares a `client_relation` class attribute (and Client
declares one per many-to-many field in `Client.m2m_relations`). A test walks
`Client._meta.related_objects` and fails when a relation has no declaration, so a new model
cannot be forgotten by merge (R9) or GDPR anonymisation (R15).
"""

from dataclasses import dataclass
from enum import StrEnum


class OnMerge(StrEnum):
    MOVE = "move"  # re-point the rows to the base client
    UNION = "union"  # many-to-many: the base gets the union of all sets
    KEEP_BASE = "keep_base"  # the base's rows stay, the merged clients' rows are dropped
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
