"""Every read of cases. Each starts from the actor's scope: the cases of the clients they may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from kartoteka.accounts.models import User
from kartoteka.cases.filters import CaseFilter
from kartoteka.cases.models import Case
from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_scope
from kartoteka.core.actors import Actor
from kartoteka.core.errors import NotFound
from kartoteka.core.pagination import Page
from kartoteka.core.permissions import require_perm

# Open cases have no closing date; for sorting and cursors they close "never" (after every date).
NEVER = dt.datetime(2999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def case_scope(*, actor: Actor) -> QuerySet[Case]:
    """Every case the actor may see: with `cases.view_case`, the cases of the clients in their scope."""
    require_perm(actor, "cases.view_case")
    return Case.objects.filter(client__in=client_scope(actor=actor))


def case_rows(*, actor: Actor) -> QuerySet[Case]:
    """The scope with what a list shows (client, owner: one query for the page) and sorts by."""
    return (
        case_scope(actor=actor)
        .select_related("client", "owner")
        .annotate(
            client_sort=F("client__sort_name"),
            owner_sort=Coalesce(F("owner__username"), Value("")),
            closed_sort=Coalesce(F("closed_at"), Value(NEVER)),
        )
    )


def case_list(*, actor: Actor, filters: CaseFilter, cursor: str | None, limit: int) -> Page[Case]:
    """One page of the filtered, sorted list: a fixed number of queries whatever the page size."""
    return filters.page(case_rows(actor=actor), cursor=cursor, limit=limit)


def case_count(*, actor: Actor, filters: CaseFilter) -> int:
    return filters.apply(case_scope(actor=actor)).count()


def case_get(*, actor: Actor, case_id: int) -> Case:
    case = case_scope(actor=actor).select_related("client", "owner").filter(id=case_id).first()
    if case is None:
        raise NotFound(_("Case not found."))
    return case


def open_case_count(*, actor: Actor, client: Client) -> int:
    return case_scope(actor=actor).filter(client=client, status=Case.Status.OPEN).count()


def owner_choices(*, actor: Actor) -> QuerySet[User]:
    """Staff members a case can be given to, and the list filtered by."""
    require_perm(actor, "cases.view_case")
    return User.objects.filter(is_active=True).order_by("username")


def owner_name(*, actor: Actor, owner_id: int) -> str | None:
    owner = owner_choices(actor=actor).filter(pk=owner_id).first()
    return str(owner) if owner else None


def client_name(*, actor: Actor, client_id: int) -> str | None:
    client = client_scope(actor=actor).filter(pk=client_id).first()
    return client.display_name if client else None
