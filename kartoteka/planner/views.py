"""Web UI of tasks: the client's Terminarz tab (a month calendar and its agenda), the task dialogs,
Moje zadania with its menu badge, and the Zadania list. Each view validates input, makes one
domain call, renders.

The dialogs are one URL with two renderings, like the contact persons': a Bootstrap modal for an
HTMX request (loaded into #modal-slot), a plain page otherwise. A successful save answers an HTMX
request with the refreshed calendar (retargeted to #planner-calendar) at the task's month and the
`kt-dialog-done` event that closes the modal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_get
from kartoteka.core.errors import ApplicationError, NotFound
from kartoteka.core.listing import Column, chip_links, column_headers, page_size
from kartoteka.core.numbers import is_id
from kartoteka.core.pagination import InvalidCursor
from kartoteka.core.permissions import require_perm
from kartoteka.core.tabs import render_client_tab
from kartoteka.core.views import AuthedRequest, add_service_errors, render_htmx
from kartoteka.planner import selectors, services
from kartoteka.planner.filters import DONE_LABELS, TaskFilter
from kartoteka.planner.forms import TaskForm
from kartoteka.planner.models import Task
from kartoteka.planner.monthgrid import month_grid, parse_month, place

TAB = "calendar"
CALENDAR_PARTIAL = "planner/tabs/calendar.html#calendar_block"
MINE_PARTIAL = "planner/mine.html#sections"
# Close the dialog, and have the menu's count of tasks due refresh itself.
DIALOG_DONE = "kt-dialog-done, kt-tasks-changed"

LIST_COLUMNS = (
    Column("due", gettext_lazy("Due"), sort="due"),
    Column("subject", gettext_lazy("Subject")),
    Column("client", gettext_lazy("Client"), sort="client"),
    Column("assignees", gettext_lazy("Assigned to")),
    Column("done", gettext_lazy("Done")),
)
LIST_PARAMETERS = ("cursor", "limit")


def _client_or_404(request: AuthedRequest, client_id: int) -> Client:
    try:
        return client_get(actor=request.user, client_id=client_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _task_or_404(request: AuthedRequest, task_id: int) -> Task:
    try:
        return selectors.task_get(actor=request.user, task_id=task_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- the client's Terminarz tab ------------------------------------------------------------


def _calendar_context(request: AuthedRequest, client: Client, first: dt.date) -> dict[str, Any]:
    today = selectors.today()
    month = month_grid(first, today=today)
    tasks = selectors.client_tasks_between(
        actor=request.user, client=client, first=month.grid_first, last=month.grid_last
    )
    place(month, tasks)
    return {
        "client": client,
        "month": month,
        "today": today,
        "agenda": [task for task in tasks if first <= task.due_date <= month.last],
        "overdue": selectors.client_overdue(actor=request.user, client=client, before=min(today, first)),
        "tab_url": reverse("planner:client_tab", args=[client.pk]),
    }


@require_GET
def client_calendar_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    """The client's Terminarz: the month's calendar (?month=YYYY-MM, today's by default) and agenda."""
    client = _client_or_404(request, client_id)
    first = parse_month(request.GET.get("month"), default=selectors.today())
    context = _calendar_context(request, client, first)
    response = render_client_tab(request, actor=request.user, client=client, key=TAB, context=context)
    if request.htmx:
        response["HX-Push-Url"] = f"{request.path}?month={first:%Y-%m}"
    return response


def _refuse_form(request: AuthedRequest, client: Client, perm: str) -> HttpResponse | None:
    """No form for what the actor may not save: 403 without the permission, a message for an archived client."""
    try:
        services.task_check_change(actor=request.user, client=client, perm=perm)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("planner:client_tab", client_id=client.pk)
    return None


def _saved(request: AuthedRequest, task: Task, message: str) -> HttpResponse:
    """After a dialog's save: the calendar at the task's month (HTMX), or back to the tab."""
    if request.htmx:
        context = _calendar_context(request, task.client, task.due_date.replace(day=1))
        response = render(request, CALENDAR_PARTIAL, context)
        response["HX-Retarget"] = "#planner-calendar"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Trigger"] = DIALOG_DONE
        return response
    messages.success(request, message)
    return redirect(services.task_link(task))


def _dialog(request: AuthedRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The modal for an HTMX request: the whole dialog when it opens, only its form after a failed save."""
    if request.htmx:
        part = "body" if request.method == "POST" else "dialog"
        return render(request, f"{template}#{part}", context)
    return render(request, template, context)


def _form(request: AuthedRequest, client: Client, initial: dict[str, Any]) -> TaskForm:
    assignees = [(user.pk, str(user)) for user in selectors.assignee_choices(actor=request.user)]
    cases = [(case.pk, case.title) for case in selectors.case_choices(actor=request.user, client=client)]
    return TaskForm(request.POST or None, initial=initial, assignees=assignees, cases=cases)


def _save(request: AuthedRequest, form: TaskForm, save: Any) -> Task | None:
    """Run the service with the form's data; its per-field errors land on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result: Task = save(form.service_data())
        return result
    except ValidationError as exc:
        add_service_errors(form, exc)
    except ApplicationError as exc:  # stale, archived meanwhile, an unknown person or case
        form.add_error(None, exc.message)
    return None


@require_http_methods(["GET", "POST"])
def task_create_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    refused = _refuse_form(request, client, "add")
    if refused:
        return refused
    day = request.GET.get("day", "")
    initial = {
        "due_date": day if len(day) == 10 else selectors.today().isoformat(),
        "assignees": [request.user.pk],
    }
    form = _form(request, client, initial)
    task = _save(request, form, lambda data: services.task_create(actor=request.user, client=client, data=data))
    if task is not None:
        return _saved(request, task, _("Task %(subject)s added.") % {"subject": task.subject})
    return _dialog(request, "planner/form.html", {"client": client, "task": None, "form": form})


@require_http_methods(["GET", "POST"])
def task_edit_view(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    refused = _refuse_form(request, task.client, "change")
    if refused:
        return refused
    initial = {
        "subject": task.subject,
        "body": task.body,
        "due_date": task.due_date.isoformat(),
        "due_time": task.due_time.strftime("%H:%M") if task.due_time else "",
        "assignees": [user.pk for user in task.assignees.all()],
        "case": task.case_id,
        "notify_creator": task.notify_creator,
        "version": task.version,
    }
    form = _form(request, task.client, initial)

    def save(data: dict[str, Any]) -> Task:
        version = form.cleaned_data["version"]
        return services.task_update(actor=request.user, task=task, data=data, expected_version=version)

    saved = _save(request, form, save)
    if saved is not None:
        return _saved(request, saved, _("Changes saved."))
    context = {"client": task.client, "task": task, "form": form}
    return _dialog(request, "planner/form.html", context)


def _state_change(request: AuthedRequest, task_id: int, change: Any, done: str) -> HttpResponse:
    """Mark done / reopen, from the calendar (`view=tab`), Moje zadania (`view=mine`) or a page."""
    task = _task_or_404(request, task_id)
    version = request.POST.get("version", "")
    error = ""
    try:
        change(actor=request.user, task=task, expected_version=int(version) if is_id(version) else None)
    except ApplicationError as exc:
        error = exc.message
    view = request.POST.get("view", "")
    if request.htmx and view in ("tab", "mine"):
        if view == "tab":
            context = _calendar_context(
                request, task.client, parse_month(request.POST.get("month"), default=task.due_date)
            )
            response = render(request, CALENDAR_PARTIAL, {**context, "error": error})
        else:
            response = render(request, MINE_PARTIAL, {**_mine_context(request), "error": error})
        response["HX-Trigger"] = "kt-tasks-changed"  # the menu's badge refreshes itself
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect(services.task_link(task))


@require_POST
def task_done_view(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _state_change(request, task_id, services.task_mark_done, _("Task marked done."))


@require_POST
def task_reopen_view(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _state_change(request, task_id, services.task_reopen, _("Task reopened."))


@require_http_methods(["GET", "POST"])
def task_delete_view(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    refused = _refuse_form(request, task.client, "delete")
    if refused:
        return refused
    error = ""
    if request.method == "POST":
        try:
            services.task_delete(actor=request.user, task=task)
        except ApplicationError as exc:
            error = exc.message
        else:
            if request.htmx:
                return _saved(request, task, "")
            messages.success(request, _("Task deleted."))
            return redirect(services.task_link(task).split("#")[0])
    return _dialog(request, "planner/confirm_delete.html", {"client": task.client, "task": task, "error": error})


# --- Moje zadania ----------------------------------------------------------------------------


def _mine_context(request: AuthedRequest) -> dict[str, Any]:
    return {"mine": selectors.my_tasks(actor=request.user), "today": selectors.today()}


@require_GET
def my_tasks_view(request: AuthedRequest) -> HttpResponse:
    """Moje zadania: the user's tasks overdue, due today, upcoming, and those done lately."""
    require_perm(request.user, "planner.view_task")
    return render(request, "planner/mine.html", _mine_context(request))


@require_GET
def my_badge_view(request: AuthedRequest) -> HttpResponse:
    """The menu's count of the user's tasks overdue or due today (loaded by htmx after the page)."""
    count = selectors.my_due_count(actor=request.user)
    return render(request, "planner/partials/badge.html", {"count": count})


# --- Zadania: every task the user may see, filtered ------------------------------------------


@require_GET
def task_list_view(request: AuthedRequest) -> HttpResponse:
    """Zadania: every task the user may see, filtered by client, assignee, due days and done."""
    try:
        filters = TaskFilter.from_params(request.GET, strict=True, allow=LIST_PARAMETERS)
        filter_errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        filter_errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        filters = TaskFilter.default()
    cursor = request.GET.get("cursor") or None
    limit = page_size(request.GET.get("limit"))
    try:
        page = selectors.task_list(actor=request.user, filters=filters, cursor=cursor, limit=limit)
    except InvalidCursor:
        page = selectors.task_list(actor=request.user, filters=filters, cursor=None, limit=limit)
        cursor = None
    params = filters.to_params()
    if limit != settings.KARTOTEKA_PAGE_SIZE:
        params["limit"] = str(limit)
    names = {
        "assignee": lambda pk: selectors.assignee_name(actor=request.user, user_id=pk),
        "client": lambda pk: selectors.client_name(actor=request.user, client_id=pk),
    }
    context = {
        "filters": filters,
        "filter_errors": filter_errors,
        "tasks": page.items,
        "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else None,
        "first_url": "?" + urlencode(params) if cursor else None,
        "columns": column_headers(LIST_COLUMNS, filters),
        "chips": chip_links(filters, describe=names),
        "count": selectors.task_count(actor=request.user, filters=filters),
        "assignees": selectors.assignee_choices(actor=request.user),
        "done_labels": DONE_LABELS,
        "today": selectors.today(),
    }
    return render_htmx(request, "planner/list.html", "results", context)
