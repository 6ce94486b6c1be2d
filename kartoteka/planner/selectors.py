"""Every read of tasks. Each starts from the actor's scope: the tasks of the clients they may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.accounts.models import User
from kartoteka.cases.models import Case
from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_scope
from kartoteka.core.actors import Actor, user_of
from kartoteka.core.errors import NotFound
from kartoteka.core.pagination import Page
from kartoteka.core.permissions import require_perm
from kartoteka.planner.filters import TaskFilter
from kartoteka.planner.models import Task

RECENTLY_DONE_DAYS = 7
UPCOMING_LIMIT = 100


def today() -> dt.date:
    """Today in the site's time zone (TIME_ZONE): what "overdue" and "today" are measured by."""
    return timezone.localdate()


def task_scope(*, actor: Actor) -> QuerySet[Task]:
    """Every task the actor may see: with `planner.view_task`, the tasks of the clients in their scope."""
    require_perm(actor, "planner.view_task")
    return Task.objects.filter(client__in=client_scope(actor=actor))


def _shown(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """What a list shows of each task: its client, case, completer and assignees (a fixed number of queries)."""
    assignees = Prefetch("assignees", queryset=User.objects.order_by("username"))
    return tasks.select_related("client", "case", "done_by", "created_by").prefetch_related(assignees)


def task_rows(*, actor: Actor) -> QuerySet[Task]:
    return _shown(task_scope(actor=actor)).annotate(client_sort=F("client__sort_name"))


def task_list(*, actor: Actor, filters: TaskFilter, cursor: str | None, limit: int) -> Page[Task]:
    """One page of the filtered, sorted list: a fixed number of queries whatever the page size."""
    return filters.page(task_rows(actor=actor), cursor=cursor, limit=limit)


def task_count(*, actor: Actor, filters: TaskFilter) -> int:
    return filters.apply(task_scope(actor=actor)).count()


def task_get(*, actor: Actor, task_id: int) -> Task:
    task = _shown(task_scope(actor=actor)).filter(id=task_id).first()
    if task is None:
        raise NotFound(_("Task not found."))
    return task


def _ordered(tasks: QuerySet[Task]) -> QuerySet[Task]:
    # All-day tasks first on their day, then by time.
    return tasks.order_by("due_date", F("due_time").asc(nulls_first=True), "id")


def client_tasks_between(*, actor: Actor, client: Client, first: dt.date, last: dt.date) -> list[Task]:
    """The client's tasks due from `first` to `last` (a month's calendar and its agenda)."""
    tasks = task_scope(actor=actor).filter(client=client, due_date__gte=first, due_date__lte=last)
    return list(_ordered(_shown(tasks)))


def client_open_task_count(*, actor: Actor, client: Client) -> int:
    return task_scope(actor=actor).filter(client=client, done_at__isnull=True).count()


def client_overdue(*, actor: Actor, client: Client, before: dt.date) -> list[Task]:
    """The client's tasks still to do that were due before `before` (shown above its calendar)."""
    tasks = task_scope(actor=actor).filter(client=client, done_at__isnull=True, due_date__lt=before)
    return list(_ordered(_shown(tasks))[:50])


@dataclass
class MyTasks:
    overdue: list[Task] = field(default_factory=list)
    today: list[Task] = field(default_factory=list)
    upcoming: list[Task] = field(default_factory=list)
    done: list[Task] = field(default_factory=list)

    @property
    def due_count(self) -> int:
        return len(self.overdue) + len(self.today)


def _mine(actor: Actor) -> QuerySet[Task]:
    user = user_of(actor)
    if user is None:
        return Task.objects.none()
    return task_scope(actor=actor).filter(assignments__user=user)


def _still_to_do(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Open tasks of current clients: an archived client's tasks are frozen (no one can complete
    them until it is restored), so they would sit in Moje zadania and the badge for ever."""
    return tasks.filter(done_at__isnull=True, client__archived_at__isnull=True)


def my_tasks(*, actor: Actor, day: dt.date | None = None) -> MyTasks:
    """The actor's tasks: overdue, due today, upcoming (the next UPCOMING_LIMIT) and recently done."""
    day = day or today()
    mine = _mine(actor)
    open_tasks = list(_ordered(_shown(_still_to_do(mine).filter(due_date__lte=day))))
    upcoming = list(_ordered(_shown(_still_to_do(mine).filter(due_date__gt=day)))[:UPCOMING_LIMIT])
    since = timezone.now() - dt.timedelta(days=RECENTLY_DONE_DAYS)
    done = list(_shown(mine.filter(done_at__gte=since)).order_by("-done_at", "-id")[:50])
    return MyTasks(
        overdue=[t for t in open_tasks if t.due_date < day],
        today=[t for t in open_tasks if t.due_date == day],
        upcoming=upcoming,
        done=done,
    )


def my_due_count(*, actor: Actor, day: dt.date | None = None) -> int:
    """The menu's badge: the actor's tasks still to do that are overdue or due today (one query)."""
    if not actor.has_perm("planner.view_task"):
        return 0
    return _still_to_do(_mine(actor)).filter(due_date__lte=day or today()).count()


def tasks_by_day(tasks: list[Task]) -> dict[dt.date, list[Task]]:
    days: dict[dt.date, list[Task]] = defaultdict(list)
    for task in tasks:
        days[task.due_date].append(task)
    return days


def assignable_users() -> QuerySet[User]:
    """Staff members a task can be given to: active accounts with a role (or superusers)."""
    has_role = Exists(User.groups.through.objects.filter(user_id=OuterRef("pk")))
    return User.objects.filter(Q(has_role) | Q(is_superuser=True), is_active=True).order_by("username")


def assignee_choices(*, actor: Actor) -> QuerySet[User]:
    require_perm(actor, "planner.view_task")
    return assignable_users()


def assignee_name(*, actor: Actor, user_id: int) -> str | None:
    user = User.objects.filter(pk=user_id).first() if actor.has_perm("planner.view_task") else None
    return str(user) if user else None


def client_name(*, actor: Actor, client_id: int) -> str | None:
    client = client_scope(actor=actor).filter(pk=client_id).first()
    return client.display_name if client else None


def case_choices(*, actor: Actor, client: Client) -> QuerySet[Case]:
    """The client's cases a task can be linked to (open ones, and closed ones too: the form shows both)."""
    return Case.objects.filter(client=client).order_by("status", "-opened_at", "-id")
