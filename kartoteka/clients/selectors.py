"""Every read of clients that views and the API need. Each starts from the actor's scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kartoteka.clients.counts import stored_count
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Client, ClientGroup, Label, Note
from kartoteka.core.actors import Actor
from kartoteka.core.errors import NotFound
from kartoteka.core.pagination import Page
from kartoteka.core.permissions import require_perm


def client_scope(*, actor: Actor) -> QuerySet[Client]:
    """All clients the actor may see (today: every client, for any staff user who may view)."""
    require_perm(actor, "clients.view_client")
    return Client.objects.all()


def client_get(*, actor: Actor, client_id: int) -> Client:
    client = (
        client_scope(actor=actor)
        .select_related("created_by", "updated_by")
        .prefetch_related("groups", "labels")
        .filter(id=client_id)
        .first()
    )
    if client is None:
        raise NotFound(_("Client not found."))
    return client


def client_list(
    *,
    actor: Actor,
    filters: ClientFilter,
    cursor: str | None,
    limit: int,
    prefetch_sets: bool = True,
    only: tuple[str, ...] = (),
) -> Page[Client]:
    """One page of the filtered, sorted list: a fixed number of queries whatever the page size.

    `prefetch_sets=False` leaves out the clients' groups and labels (see client_memberships);
    `only` loads just these fields (and those the sort orders by), as the web list does.
    """
    queryset = client_scope(actor=actor)
    if only:
        queryset = queryset.only(*only, *filters.sort_spec.fields)
    if prefetch_sets:
        queryset = queryset.prefetch_related(
            Prefetch("groups", queryset=ClientGroup.objects.only("id", "name", "color")),
            Prefetch("labels", queryset=Label.objects.only("id", "name", "color")),
        )
    return filters.page(queryset, cursor=cursor, limit=limit)


def client_memberships(*, actor: Actor, client_ids: list[int]) -> dict[str, dict[int, list[int]]]:
    """{"groups": {client id: [group ids]}, "labels": {...}}: two queries of ids, no model objects
    (the list shows names it has already: a prefetch cost ~40 µs a client)."""
    require_perm(actor, "clients.view_clientgroup")
    require_perm(actor, "clients.view_label")
    result: dict[str, dict[int, list[int]]] = {}
    for relation in ("groups", "labels"):
        field = Client._meta.get_field(relation)
        through = field.remote_field.through  # type: ignore[union-attr]
        pairs = through.objects.filter(**{f"{field.m2m_column_name()}__in": client_ids}).values_list(  # type: ignore[union-attr]
            field.m2m_column_name(),  # type: ignore[union-attr]
            field.m2m_reverse_name(),  # type: ignore[union-attr]
        )
        members: dict[int, list[int]] = {}
        for client_id, set_id in pairs:
            members.setdefault(client_id, []).append(set_id)
        result[relation] = members
    return result


def client_count(*, actor: Actor, filters: ClientFilter) -> int:
    """From the maintained counts when they can answer (clients/counts.py), else COUNT."""
    scope = client_scope(actor=actor)
    stored = stored_count(scope, filters)
    return stored if stored is not None else filters.apply(scope).count()


@dataclass(frozen=True)
class ClientSelection:
    """What a bulk action works on: explicit ids, or everything matching a filter."""

    ids: tuple[int, ...] | None = None
    filters: ClientFilter | None = None


def clients_selected(*, actor: Actor, selection: ClientSelection) -> QuerySet[Client]:
    """Resolve a selection to a queryset (never loaded into memory here).

    Explicit ids are still confined to the same list (archived or not) as the filter says.
    """
    filters = selection.filters or ClientFilter(status="all")
    if selection.ids is not None:
        scope = client_scope(actor=actor).filter(archived_at__isnull=not filters.archived)
        return scope.filter(id__in=selection.ids)
    return filters.apply(client_scope(actor=actor))


def client_duplicates(
    *,
    actor: Actor,
    email: str = "",
    nip: str = "",
    phone: str = "",
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[Client]:
    """Clients the actor may see (archived too) sharing the normalised e-mail, NIP or phone."""
    condition = Q()
    if email:
        condition |= Q(email=email)
    if nip:
        condition |= Q(nip=nip)
    if phone:
        condition |= Q(phone=phone)
    if not condition:
        return []
    queryset = client_scope(actor=actor).filter(condition)
    if exclude_id is not None:
        queryset = queryset.exclude(id=exclude_id)
    return list(queryset.order_by("id")[:limit])


def client_notes(*, actor: Actor, client: Client) -> QuerySet[Note]:
    require_perm(actor, "clients.view_note")
    return client.notes.select_related("author").order_by("-created_at", "-id")


def note_get(*, actor: Actor, client: Client, note_id: int) -> Note:
    note = client_notes(actor=actor, client=client).filter(id=note_id).first()
    if note is None:
        raise NotFound(_("Note not found."))
    return note


def groups_by_ids(*, actor: Actor, ids: Iterable[int]) -> QuerySet[ClientGroup]:
    return groups_all(actor=actor).filter(id__in=list(ids))


def group_name(*, actor: Actor, group_id: int) -> str | None:
    """The group's name for a filter chip (None when there is no such group)."""
    return groups_all(actor=actor).filter(id=group_id).values_list("name", flat=True).first()


def label_name(*, actor: Actor, label_id: int) -> str | None:
    return labels_all(actor=actor).filter(id=label_id).values_list("name", flat=True).first()


def groups_all(*, actor: Actor) -> QuerySet[ClientGroup]:
    require_perm(actor, "clients.view_clientgroup")
    return ClientGroup.objects.order_by("name")


def labels_all(*, actor: Actor) -> QuerySet[Label]:
    require_perm(actor, "clients.view_label")
    return Label.objects.order_by("name")


def group_get(*, actor: Actor, group_id: int) -> ClientGroup:
    group = groups_all(actor=actor).filter(id=group_id).first()
    if group is None:
        raise NotFound(_("Group not found."))
    return group


def label_get(*, actor: Actor, label_id: int) -> Label:
    label = labels_all(actor=actor).filter(id=label_id).first()
    if label is None:
        raise NotFound(_("Label not found."))
    return label
