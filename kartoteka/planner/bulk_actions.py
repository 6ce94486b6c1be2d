"""The bulk action "Utwórz zadanie" (seed 004): one separate task per selected client, with the
same subject, body, due day, assignees and "notify me when done".

Set-based (planner.services.task_rows_create): per chunk of clients a TaskBatch row, one
`INSERT ... SELECT` for the tasks and one for their assignees — the same few statements for 3
clients or 10,000. The registry gives it the menu entry, the confirmation page (these parameters
as its form), `POST /api/clients/bulk/create_task` and, for a large selection, the job.
A case is not among the parameters: a case belongs to one client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kartoteka.api.schemas import Bool, Id, Text
from kartoteka.bulk.registry import CLIENTS, BulkAction, BulkContext, BulkParam, register
from kartoteka.clients.bulk_actions import ARCHIVED
from kartoteka.clients.models import Client
from kartoteka.clients.validation import SINGLE_LINE_NOT_BLANK_PATTERN
from kartoteka.core.actors import Actor
from kartoteka.planner import selectors, services
from kartoteka.planner.models import BODY_MAX, SUBJECT_MAX
from kartoteka.planner.validation import (
    DATE_PATTERN,
    MAX_ASSIGNEES,
    TIME_PATTERN,
    clean_body,
    clean_due_date,
    clean_due_time,
    clean_subject,
)

_BODY_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"


class CheckedField(forms.CharField):
    """A text field cleaned by one of planner.validation's cleaners; its value stored as JSON text."""

    def __init__(self, cleaner: Callable[[Any], Any], *, to_json: Callable[[Any], str] = str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)  # the cleaner says what is missing, in its own words
        super().__init__(**kwargs)
        self.cleaner, self.to_json = cleaner, to_json

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        try:
            return self.to_json(self.cleaner(text))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


def _staff(actor: Actor) -> Iterable[tuple[Any, Any]]:
    return [(user.pk, str(user)) for user in selectors.assignee_choices(actor=actor)]


def _text(cleaner: Callable[[Any], Any], label: Any, **widget: Any) -> Callable[[Actor], forms.Field]:
    return lambda actor: CheckedField(
        cleaner, label=label, widget=forms.TextInput(attrs={"class": "form-control", **widget})
    )


_texts = {
    "subject": _text(clean_subject, _("Subject"), maxlength=SUBJECT_MAX),
    "due_date": lambda actor: CheckedField(
        clean_due_date, to_json=lambda day: day.isoformat(), label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    ),
    "due_time": lambda actor: CheckedField(
        clean_due_time, to_json=lambda time: time.strftime("%H:%M") if time else "", label=_("Time"),
        help_text=_("Leave empty for all day."),
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}),
    ),
    "body": lambda actor: CheckedField(
        clean_body, label=_("Body"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    ),
}  # fmt: skip


def _assignees(actor: Actor) -> forms.Field:
    return forms.TypedMultipleChoiceField(
        label=_("Assigned to"),
        choices=_staff(actor),
        coerce=int,
        error_messages={"required": _("Choose at least one staff member.")},
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 5}),
    )


def _notify(actor: Actor) -> forms.Field:
    return forms.BooleanField(
        label=_("Notify me when it is done"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


def _create_tasks(clients: QuerySet[Client], ctx: BulkContext) -> int:
    params = ctx.params
    values = {
        "subject": params["subject"],
        "body": params.get("body") or "",
        "due_date": clean_due_date(params["due_date"]),
        "due_time": clean_due_time(params.get("due_time")),
        "notify_creator": bool(params.get("notify")),
    }
    ids = [int(user_id) for user_id in params["assignees"]]
    return services.task_rows_create(clients, actor=ctx.actor, values=values, assignee_ids=ids, now=ctx.now)


PARAMS = (
    BulkParam(
        "subject", _("Subject"), field=_texts["subject"], api_type=Text | None,
        schema={"maxLength": SUBJECT_MAX, "minLength": 1, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN},
        description="The task's subject: one line, at most 200 characters.",
    ),
    BulkParam(
        "body", _("Body"), field=_texts["body"], api_type=Text | None, required=False,
        schema={"maxLength": BODY_MAX, "pattern": _BODY_PATTERN}, description="The task's text (optional).",
    ),
    BulkParam(
        "due_date", _("Due date"), field=_texts["due_date"], api_type=Text | None,
        schema={"format": "date", "pattern": DATE_PATTERN}, description="The day it is due, YYYY-MM-DD.",
    ),
    BulkParam(
        "due_time", _("Time"), field=_texts["due_time"], api_type=Text | None, required=False,
        schema={"pattern": TIME_PATTERN}, description="HH:MM (24-hour clock); empty or left out: all day.",
    ),
    BulkParam(
        "assignees", _("Assigned to"), choices=_staff, coerce=int, field=_assignees, api_type=list[Id] | None,
        many=True, schema={"minItems": 1, "maxItems": MAX_ASSIGNEES},
        description="Ids of the staff members the tasks are assigned to (one or more).",
    ),
    BulkParam(
        "notify", _("Notify me when it is done"), field=_notify, api_type=Bool | None, required=False,
        description="Tell the caller (a notification and an e-mail) when someone else completes one of the tasks.",
    ),
)  # fmt: skip

register(
    BulkAction(
        name="create_task",
        label=_("Create task"),
        permission="planner.add_task",
        lists=(CLIENTS,),
        event_type="planner.task.bulk_created",
        params=PARAMS,
        skips=(ARCHIVED,),
        apply=_create_tasks,
        summary=ngettext_lazy(
            "A task will be created for %(count)s client.",
            "A separate task will be created for each of the %(count)s clients.",
            "count",
        ),
        done=ngettext_lazy("%(count)s task created.", "%(count)s tasks created.", "count"),
        icon="bi-calendar-plus",
    )
)
