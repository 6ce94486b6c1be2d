"""A task ("zadanie") for a client, on someone's calendar until it is done (R13, seed 004).

The due moment is a day and an optional time of day (`due_date`, `due_time`): a task without a
time is due "all day". A day is what the calendar, "overdue" and "today" are about, and it needs
no time-zone arithmetic in SQL (docs/decisions.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kartoteka.accounts.models import User
from kartoteka.cases.models import Case
from kartoteka.clients.models import Client
from kartoteka.core.models import TimeStampedModel
from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge

SUBJECT_MAX = 200
BODY_MAX = 20000


class TaskBatch(models.Model):
    """One set-based creation of tasks (the bulk action "Utwórz zadanie", one per chunk).

    Its id marks the tasks inserted by one `INSERT ... SELECT`, so the next statement finds
    exactly them to give them their assignees: a database-made, never reused number, on SQLite
    (no `RETURNING` into another insert) and on PostgreSQL alike (docs/decisions.md).
    """

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("task batch")
        verbose_name_plural = _("task batches")

    def __str__(self) -> str:
        return f"#{self.pk}"


class Task(TimeStampedModel):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("client"))
    # A case of the same client (checked by the services). Deleting the case keeps the task.
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("case")
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    body = models.TextField(_("body"), blank=True, default="")
    due_date = models.DateField(_("due date"))
    due_time = models.TimeField(_("due time"), null=True, blank=True)  # None: all day
    assignees: models.ManyToManyField[User, TaskAssignee] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TaskAssignee", related_name="assigned_tasks", verbose_name=_("assignees")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notify_creator = models.BooleanField(_("notify me when done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every change: an edit made on a stale copy is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1)
    # The bulk creation that made it (None: created one by one).
    batch = models.ForeignKey(
        TaskBatch, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="tasks"
    )
    # Folded subject and body (lower case, no diacritics): what the list's search matches.
    search_text = models.TextField(editable=False, default="")

    # Merge: the base client takes the tasks (seed 004: "terminarz ... połączone w jednym miejscu").
    # Anonymise: subject and body are free text that may name the person: blanked, the task stays
    # (dates, assignees, done or not). Delete: the tasks go with the client.
    client_relation = ClientRelation(
        OnMerge.MOVE,
        OnAnonymise.SCRUB,
        personal_fields=("subject", "body", "search_text"),
        on_delete=OnDelete.DELETE,
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["client", "due_date"], name="planner_task_client_due_idx"),
            models.Index(fields=["due_date", "id"], name="planner_task_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(subject__gt=""), name="planner_task_subject_not_blank"),
            # Who completed it is known only for a completed task (it may be gone: SET_NULL).
            models.CheckConstraint(
                condition=Q(done_by__isnull=True) | Q(done_at__isnull=False), name="planner_task_done_by_when_done"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def all_day(self) -> bool:
        return self.due_time is None


class TaskAssignee(models.Model):
    """One staff member a task is assigned to (a task has one or more)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_assignments")

    class Meta:
        verbose_name = _("task assignee")
        verbose_name_plural = _("task assignees")
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="planner_taskassignee_unique")]
        indexes = [models.Index(fields=["user", "task"], name="planner_taskassignee_user_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.user_id}"
