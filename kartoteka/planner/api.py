"""REST API of tasks (R13): the same filter as the Zadania page, the same services as the web UI.

Concurrency as for clients and cases (api.conditional): every task answers with an ETag; a write
may send If-Match (412 when the task changed since). Ids in the body that name nothing — the
client, a case, an assignee — answer 404 like an id in the path, and so does a case of another
client. A cursor this list did not give (edited, or of another sort) is a 409.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kartoteka.accounts.models import User
from kartoteka.api.conditional import IF_MATCH, answer, conditional_write
from kartoteka.api.schemas import BODY_ERRORS, ERRORS, ErrorOut, PathId
from kartoteka.clients.selectors import client_get
from kartoteka.core.errors import ApplicationError, ValidationError
from kartoteka.core.pagination import InvalidCursor
from kartoteka.planner import selectors, services
from kartoteka.planner.filters import TaskFilter
from kartoteka.planner.models import Task
from kartoteka.planner.schemas import TaskCreateIn, TaskIn, TaskListParams, TaskOut, TaskPage

router = Router(tags=["tasks"])

LIST_PARAMETERS = ("cursor", "limit", "count")  # besides the filter's own, parsed by TaskListParams
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 412: ErrorOut}
BODY_WRITE_ERRORS: dict[int, Any] = {**BODY_ERRORS, 412: ErrorOut}


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _fresh(actor: User, task: Task) -> Task:
    """The task as a GET shows it (assignees and names), after a write."""
    return selectors.task_get(actor=actor, task_id=task.pk)


@router.get("/tasks", response={200: TaskPage, **ERRORS}, url_name="tasks")
def task_list(request: HttpRequest, params: Query[TaskListParams]) -> dict[str, Any]:
    """Tasks matching the filter, one page at a time (keyset pagination)."""
    actor = _actor(request)
    filters = TaskFilter.from_params(request.GET, strict=True, allow=LIST_PARAMETERS)
    try:
        page = selectors.task_list(actor=actor, filters=filters, cursor=params.cursor, limit=params.limit)
    except InvalidCursor as exc:
        raise ApplicationError(
            _("This cursor is not valid here; start again without it."), extra={"errors": exc.message_dict}
        ) from exc
    result: dict[str, Any] = {"items": page.items, "next_cursor": page.next_cursor}
    if params.count:
        result["count"] = selectors.task_count(actor=actor, filters=filters)
    return result


@router.post("/tasks", response={201: TaskOut, **BODY_ERRORS}, url_name="task_create")
def task_create(request: HttpRequest, payload: TaskCreateIn, response: HttpResponse) -> Status[Task]:
    """Create a task for a client (assigned to the caller unless `assignees` is given)."""
    actor = _actor(request)
    if payload.client is None:
        raise ValidationError({"client": [_("Choose the client (an id).")]})
    client = client_get(actor=actor, client_id=payload.client)
    data = payload.model_dump(exclude_unset=True, exclude={"client"})
    task = services.task_create(actor=actor, client=client, data=data)
    return Status(201, answer(response, _fresh(actor, task)))


@router.get("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, url_name="task")
def task_get(request: HttpRequest, task_id: PathId, response: HttpResponse) -> Task:
    return cast(Task, answer(response, selectors.task_get(actor=_actor(request), task_id=task_id)))


def _change(
    request: HttpRequest, response: HttpResponse, task_id: int, if_match: str | None, service: Any, **kw: Any
) -> Status[Any]:
    actor = _actor(request)
    task = selectors.task_get(actor=actor, task_id=task_id)

    def change(version: int) -> Task | None:
        result = service(actor=actor, task=task, expected_version=version, **kw)
        return _fresh(actor, result) if isinstance(result, Task) else None

    return conditional_write(response, task, if_match, change, stale=services.StaleTask)


@router.patch("/tasks/{task_id}", response={200: TaskOut, **BODY_WRITE_ERRORS}, url_name="task_patch")
def task_patch(
    request: HttpRequest, response: HttpResponse, task_id: PathId, payload: TaskIn, if_match: str | None = IF_MATCH
) -> Status[Any]:
    """Change only the fields sent (the client cannot change). Honours If-Match."""
    data = payload.model_dump(exclude_unset=True)
    return _change(request, response, task_id, if_match, services.task_update, data=data)


@router.delete("/tasks/{task_id}", response={204: None, **WRITE_ERRORS}, url_name="task_delete")
def task_delete(
    request: HttpRequest, response: HttpResponse, task_id: PathId, if_match: str | None = IF_MATCH
) -> Status[Any]:
    """Delete a task for good (managers and administrators). Honours If-Match."""
    return _change(request, response, task_id, if_match, services.task_delete)


@router.post("/tasks/{task_id}/done", response={200: TaskOut, **WRITE_ERRORS}, url_name="task_done")
def task_done(
    request: HttpRequest, response: HttpResponse, task_id: PathId, if_match: str | None = IF_MATCH
) -> Status[Any]:
    """Mark the task done (409 if it is done already). Its creator is told when they asked to be."""
    return _change(request, response, task_id, if_match, services.task_mark_done)


@router.post("/tasks/{task_id}/reopen", response={200: TaskOut, **WRITE_ERRORS}, url_name="task_reopen")
def task_reopen(
    request: HttpRequest, response: HttpResponse, task_id: PathId, if_match: str | None = IF_MATCH
) -> Status[Any]:
    """Make a done task to-do again (409 if it is not done)."""
    return _change(request, response, task_id, if_match, services.task_reopen)
