"""The one filter definition of the task lists: the Zadania page, the API and "Moje zadania".

Declared on the FilterSet base (kartoteka.core.filtering) like CaseFilter. `due_from` / `due_to`
compare days with the task's due day; `done` is yes / no / all; `assignee` walks the
assignments' (user, task) index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.search import query_terms
from kartoteka.core.filtering import Choice, DayBound, FilterSet, Membership, Reference, Search, Sort, declare
from kartoteka.planner.models import Task

DONE_ANY = "all"
DONE_LABELS = {"no": _("To do"), "yes": _("Done"), DONE_ANY: _("All")}

# sort parameter -> fields of selectors.task_rows (the id tie-breaker is added by SortSpec)
SORTS: dict[str, tuple[str, ...]] = {
    "id": (),
    "due": ("due_date",),
    "client": ("client_sort",),
    "created": ("created_at",),
}
DEFAULT_SORT = "due"


def task_search(queryset: QuerySet[Any], q: str, *, probe_from: int | None = None) -> QuerySet[Any]:
    """Every word in the task's subject or body, or in its client's name (folded)."""
    for term in query_terms(q):
        queryset = queryset.filter(Q(search_text__contains=term) | Q(client__search_text__contains=term))
    return queryset


@dataclass(frozen=True)
class DueDay(DayBound):
    """A day compared with the task's due day (a date column: no time of day to span)."""

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.column}__{'lte' if self.upper else 'gte'}": value})


@dataclass(frozen=True)
class Done(Choice):
    """yes: completed tasks; no: those still to do; all: both."""

    def columns(self) -> tuple[str, ...]:
        return ("done_at",)

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        if value == self.any_value:
            return queryset
        return queryset.filter(done_at__isnull=value == "no")


@dataclass(frozen=True)
class TaskFilter(FilterSet):
    model = Task

    q: str = declare(Search(_("Search"), search=task_search), "")
    client: int | None = declare(Reference(_("Client"), column="client"), None)
    assignee: int | None = declare(Membership(_("Assignee"), relation="assignees"), None)
    due_from: dt.date | None = declare(DueDay(_("Due from"), column="due_date"), None)
    due_to: dt.date | None = declare(DueDay(_("Due to"), column="due_date", upper=True), None)
    done: str = declare(Done(_("Done"), column="done_at", choices=DONE_LABELS, any_value=DONE_ANY), DONE_ANY)
    sort: str = declare(Sort(choices=SORTS), DEFAULT_SORT)


PARAMETERS = TaskFilter.param_names()
