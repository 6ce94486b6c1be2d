"""Every write to tasks. Views, the API and the bulk action call only these.

Each change of a task is one conditional UPDATE (`WHERE version = <the version the caller saw>`):
an edit made on a stale copy is refused with StaleTask instead of silently overwriting. Every
change records an audit event on the task's client (its History tab). Completing a task whose
creator asked to be told creates a notification for them and, once the transaction commits,
has the worker e-mail them (planner.tasks) — never inside the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kartoteka.accounts.models import User
from kartoteka.audit.services import audit_record, field_changes
from kartoteka.cases.models import Case
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor, user_of
from kartoteka.core.errors import ApplicationError, NotFound, ValidationError
from kartoteka.core.permissions import require_perm
from kartoteka.core.text import fold
from kartoteka.notifications.services import notification_create
from kartoteka.planner.models import Task, TaskAssignee, TaskBatch
from kartoteka.planner.selectors import assignable_users
from kartoteka.planner.validation import TEXT_FIELDS, clean_assignee_ids, clean_task_fields

NOTIFICATION_KIND = "planner.task_done"


class StaleTask(ApplicationError):
    """The task changed since the caller read it; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(_("Someone else changed this task meanwhile. Reload it and make your change again."))


def _refuse_if_archived(client: Client) -> None:
    if client.is_archived:
        raise ApplicationError(_("This client is in the archive: its tasks can be read but not changed."))


def task_check_change(*, actor: Actor, client: Client, perm: str) -> None:
    """What a form checks before it is shown: the permission (403) and an archived client (a message)."""
    require_perm(actor, f"planner.{perm}_task")
    _refuse_if_archived(client)


def assignees_resolve(ids: Iterable[Any] | None) -> list[User]:
    """Active staff members by id, in the order given; NotFound names the first unknown id."""
    wanted = clean_assignee_ids(ids)
    found = {user.pk: user for user in assignable_users().filter(pk__in=wanted)}
    for user_id in wanted:
        if user_id not in found:
            raise NotFound(_("There is no active staff member with id %(id)s.") % {"id": user_id})
    return [found[user_id] for user_id in wanted]


def _case_of(client: Client, value: Any) -> Case | None:
    """The task's case: one of the same client's cases. Any other id — unknown, or a case of
    another client — is NotFound: this client has no such case (404 in the API, like a bad path)."""
    if value in (None, ""):
        return None
    case_id = value.pk if isinstance(value, Case) else value
    try:
        number = int(str(case_id))
    except ValueError as exc:
        raise ValidationError({"case": [_("Choose a case (an id).")]}) from exc
    case = Case.objects.filter(pk=number, client=client).first() if 1 <= number < 2**63 else None
    if case is None:
        raise NotFound(_("This client has no case with id %(id)s.") % {"id": number})
    return case


def recorded_values(task: Task, assignees: Iterable[User]) -> dict[str, Any]:
    """The recorded values (people and the case by name: the history shows them as they were)."""
    return {
        "subject": task.subject,
        "body": task.body,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "due_time": task.due_time.strftime("%H:%M") if task.due_time else None,
        "assignees": sorted(str(user) for user in assignees),
        "case": task.case.title if task.case else None,
        "notify_creator": task.notify_creator,
    }


def _search_text(subject: str, body: str) -> str:
    return fold(f"{subject} {body}")


def _assigned(task: Task) -> list[User]:
    return list(User.objects.filter(task_assignments__task=task).order_by("username"))


@transaction.atomic(durable=True)
def task_create(*, actor: Actor, client: Client, data: dict[str, Any]) -> Task:
    """A task for the client. Assignees: the actor when none are given; the creator: the actor."""
    require_perm(actor, "planner.add_task")
    _refuse_if_archived(client)
    given = {name: data[name] for name in TEXT_FIELDS if name in data}
    given.setdefault("subject", "")
    given.setdefault("due_date", "")
    values = clean_task_fields(given)
    # Not given: the actor. Given as nothing (None, []): refused, one assignee at least.
    raw_assignees = data["assignees"] if "assignees" in data else [user_of(actor)] if user_of(actor) else None
    assignees = assignees_resolve(raw_assignees)
    case = _case_of(client, data.get("case"))
    task = Task(client=client, case=case, created_by=user_of(actor), **values)
    task.search_text = _search_text(task.subject, task.body)
    task.save()
    TaskAssignee.objects.bulk_create([TaskAssignee(task=task, user=user) for user in assignees])
    audit_record(
        actor=actor,
        event_type="planner.task.created",
        client=client,
        changes=field_changes({}, recorded_values(task, assignees)),
        details={"task_id": task.pk, "subject": task.subject},
    )
    return task


@transaction.atomic(durable=True)
def task_update(*, actor: Actor, task: Task, data: dict[str, Any], expected_version: int | None = None) -> Task:
    """Change the given fields (subject, body, due_date, due_time, notify_creator, assignees, case)."""
    require_perm(actor, "planner.change_task")
    _refuse_if_archived(task.client)
    before_assignees = _assigned(task)
    before = recorded_values(task, before_assignees)
    values = clean_task_fields({name: data[name] for name in TEXT_FIELDS if name in data})
    assignees = assignees_resolve(data["assignees"]) if "assignees" in data else before_assignees
    if "case" in data:
        values["case"] = _case_of(task.client, data["case"])
    for name, value in values.items():
        setattr(task, name, value)
    changes = field_changes(before, recorded_values(task, assignees))
    columns = {**values, "search_text": _search_text(task.subject, task.body)}
    _write(task, columns, expected_version)
    if "assignees" in data:
        keep = {user.pk for user in assignees}
        TaskAssignee.objects.filter(task=task).exclude(user_id__in=keep).delete()
        had = {user.pk for user in before_assignees}
        TaskAssignee.objects.bulk_create([TaskAssignee(task=task, user=u) for u in assignees if u.pk not in had])
    if changes:
        audit_record(
            actor=actor, event_type="planner.task.updated", client=task.client, changes=changes,
            details={"task_id": task.pk, "subject": task.subject},
        )  # fmt: skip
    return task


@transaction.atomic(durable=True)
def task_mark_done(*, actor: Actor, task: Task, expected_version: int | None = None) -> Task:
    """Mark the task done (anyone who may change tasks: colleagues cover for each other).

    When its creator asked to be told and someone else completed it, the creator gets a
    notification and, after commit, an e-mail from the worker.
    """
    require_perm(actor, "planner.change_task")
    _refuse_if_archived(task.client)
    if task.is_done:
        raise ApplicationError(_("This task is already done."))
    now = timezone.now()
    done_by = user_of(actor)
    _write(task, {"done_at": now, "done_by": done_by}, expected_version)
    task.done_at, task.done_by = now, done_by
    audit_record(
        actor=actor, event_type="planner.task.done", client=task.client,
        changes={"done": [False, True]}, details={"task_id": task.pk, "subject": task.subject},
    )  # fmt: skip
    _notify_creator(task, actor)
    return task


@transaction.atomic(durable=True)
def task_reopen(*, actor: Actor, task: Task, expected_version: int | None = None) -> Task:
    require_perm(actor, "planner.change_task")
    _refuse_if_archived(task.client)
    if not task.is_done:
        raise ApplicationError(_("This task is not done."))
    _write(task, {"done_at": None, "done_by": None}, expected_version)
    task.done_at, task.done_by = None, None
    audit_record(
        actor=actor, event_type="planner.task.reopened", client=task.client,
        changes={"done": [True, False]}, details={"task_id": task.pk, "subject": task.subject},
    )  # fmt: skip
    return task


@transaction.atomic(durable=True)
def task_delete(*, actor: Actor, task: Task, expected_version: int | None = None) -> None:
    """Delete a task for good (managers); its history entries stay on the client."""
    require_perm(actor, "planner.delete_task")
    _refuse_if_archived(task.client)
    version = task.version if expected_version is None else expected_version
    deleted, _by_model = Task.objects.filter(pk=task.pk, version=version).delete()
    if not deleted:
        raise StaleTask
    audit_record(
        actor=actor, event_type="planner.task.deleted", client=task.client,
        details={"task_id": task.pk, "subject": task.subject},
    )  # fmt: skip


def _write(task: Task, columns: dict[str, Any], expected_version: int | None) -> None:
    """One conditional UPDATE; StaleTask when the task is not at the expected version any more."""
    version = task.version if expected_version is None else expected_version
    now = timezone.now()
    updated = Task.objects.filter(pk=task.pk, version=version).update(
        **columns, version=F("version") + 1, updated_at=now
    )
    if not updated:
        raise StaleTask
    task.version, task.updated_at = version + 1, now


def task_link(task: Task) -> str:
    """Where a task is shown: its client's Terminarz at the task's month."""
    url = reverse("planner:client_tab", args=[task.client_id])
    return f"{url}?month={task.due_date:%Y-%m}#task-{task.pk}"


def _notify_creator(task: Task, actor: Actor) -> None:
    creator = task.created_by
    completed_by = user_of(actor)
    if not task.notify_creator or creator is None or not creator.is_active:
        return
    if completed_by is not None and completed_by.pk == creator.pk:
        return  # one does not need to be told what one just did oneself
    notification_create(
        recipient=creator,
        kind=NOTIFICATION_KIND,
        text=f"{task.subject} — {task.client.display_name}",
        link=task_link(task),
        actor=actor,
        client=task.client,
    )
    if creator.email:
        from kartoteka.planner.tasks import task_done_mail_task

        task_id, creator_id = task.pk, creator.pk
        language = settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: task_done_mail_task.enqueue(task_id=task_id, recipient_id=creator_id, language=language)
        )


# --- many clients at once (the bulk action "Utwórz zadanie") --------------------------------


def task_rows_create(
    clients: QuerySet[Client], *, actor: Actor, values: dict[str, Any], assignee_ids: list[int], now: dt.datetime
) -> int:
    """One task per client of `clients`, with the same content and assignees: set-based.

    Three statements whatever the number of clients: a TaskBatch row (a fresh id from the
    database), `INSERT INTO planner_task ... SELECT` over the clients carrying that id, and
    `INSERT INTO planner_taskassignee ... SELECT` joining the batch's tasks with the assignees.
    Runs inside the caller's transaction (a bulk chunk). Returns how many tasks were created.
    """
    batch = TaskBatch.objects.create(created_by=user_of(actor))
    creator = user_of(actor)
    clients_sql, clients_params = clients.order_by().values("id").query.sql_with_params()
    quote = connection.ops.quote_name
    task_table = quote(Task._meta.db_table)
    columns = {
        "client_id": None,  # from the SELECT
        "case_id": None,
        "subject": values["subject"],
        "body": values.get("body", ""),
        "due_date": values["due_date"],
        "due_time": values.get("due_time"),
        "created_by_id": creator.pk if creator else None,
        "notify_creator": bool(values.get("notify_creator", False)),
        "done_at": None,
        "done_by_id": None,
        "version": 1,
        "batch_id": batch.pk,
        "search_text": _search_text(values["subject"], values.get("body", "")),
        "created_at": now,
        "updated_at": now,
    }
    fields = {f.column: f for f in Task._meta.concrete_fields}
    names = [name for name in columns if name != "client_id"]
    placeholders = []
    params: list[Any] = []
    for name in names:
        placeholders.append("%s")
        params.append(fields[name].get_db_prep_save(columns[name], connection))
    select_list = ", ".join(["sub.id", *placeholders])
    column_list = ", ".join(quote(n) for n in ["client_id", *names])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {task_table} ({column_list}) SELECT {select_list} FROM ({clients_sql}) sub",  # noqa: S608
            (*params, *clients_params),
        )
        created = max(int(cursor.rowcount), 0)
        if created:
            link_table = quote(TaskAssignee._meta.db_table)
            user_table = quote(User._meta.db_table)
            marks = ", ".join(["%s"] * len(assignee_ids))
            cursor.execute(
                f"INSERT INTO {link_table} (task_id, user_id) "  # noqa: S608
                f"SELECT t.id, u.id FROM {task_table} t, {user_table} u "
                f"WHERE t.batch_id = %s AND u.id IN ({marks})",
                (batch.pk, *assignee_ids),
            )
    return created
