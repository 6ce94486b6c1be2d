"""Demo tasks (`manage.py seed_demo`): a few dozen on the demo clients around today — some overdue,
some due today, some done, some upcoming — assigned to the staff who exist when the demo is loaded.

`make run` creates the administrator (`ensure_admin`) before it loads the demo, so the admin's
Moje zadania has something to show. Without any staff account the seeder creates no tasks (a
task needs an assignee) and says so in its line.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.audit.services import field_changes
from kartoteka.cases.models import Case
from kartoteka.clients.models import Client
from kartoteka.core.demo import register_demo
from kartoteka.core.text import fold
from kartoteka.planner.models import Task, TaskAssignee
from kartoteka.planner.selectors import assignable_users
from kartoteka.planner.services import recorded_values

DEMO_TASKS = 40
SUBJECTS = (
    ("Zadzwonić w sprawie umowy", "Klient prosił o kontakt po 10:00."),
    ("Wysłać ofertę", "Oferta na obsługę biura wirtualnego, wariant roczny."),
    ("Przypomnieć o płatności", "Faktura za ostatni kwartał nadal nieopłacona."),
    ("Odebrać podpisane dokumenty", ""),
    ("Spotkanie w biurze", "Omówienie przedłużenia umowy najmu adresu."),
    ("Sprawdzić pełnomocnictwo", "Czy osoba kontaktowa może odbierać pocztę poleconą."),
    ("Przesłać skany korespondencji", ""),
    ("Aktualizacja danych firmy", "Nowy adres siedziby po zmianie w KRS."),
)


@register_demo("planner", order=300)  # after the cases: a task may belong to one
def seed(*, rng: random.Random, client_ids: Sequence[int]) -> str:
    staff = list(assignable_users())
    if not staff:
        return "Tasks: none (no staff account yet to assign them to; run ensure_admin first)."
    clients = list(Client.objects.filter(id__in=client_ids, archived_at__isnull=True).values_list("id", flat=True))
    if not clients:
        return "Tasks: none (no active demo clients)."
    open_cases: dict[int, list[Case]] = {}
    for case in Case.objects.filter(client_id__in=clients, status=Case.Status.OPEN):
        open_cases.setdefault(case.client_id, []).append(case)
    today = timezone.localdate()
    now = timezone.now()
    tasks, owners = [], []
    for _n in range(DEMO_TASKS):
        subject, body = rng.choice(SUBJECTS)
        offset = rng.choice((-12, -5, -2, -1, 0, 0, 0, 1, 2, 3, 5, 8, 13, 21))
        due_time = rng.choice((None, None, dt.time(9, 0), dt.time(11, 30), dt.time(14, 0), dt.time(16, 45)))
        done = offset < 0 and rng.random() < 0.4
        creator = rng.choice(staff)
        client_id = rng.choice(clients)
        cases = open_cases.get(client_id, [])
        tasks.append(
            Task(
                client_id=client_id,
                case=rng.choice(cases) if cases and rng.random() < 0.5 else None,
                subject=subject,
                body=body,
                due_date=today + dt.timedelta(days=offset),
                due_time=due_time,
                created_by=creator,
                notify_creator=rng.random() < 0.3,
                done_at=now - dt.timedelta(days=rng.randint(0, 3)) if done else None,
                done_by=creator if done else None,
                search_text=fold(f"{subject} {body}"),
            )
        )
        owners.append(rng.sample(staff, k=min(len(staff), rng.choice((1, 1, 2)))))
    with transaction.atomic():
        Task.objects.bulk_create(tasks)
        TaskAssignee.objects.bulk_create(
            [TaskAssignee(task=task, user=user) for task, users in zip(tasks, owners, strict=True) for user in users]
        )
        # The History entries the services would have written.
        events = [
            AuditEvent(
                event_type="planner.task.created",
                client_id=task.client_id,
                actor=task.created_by,
                changes=field_changes({}, recorded_values(task, users)),
                details={"task_id": task.pk, "subject": task.subject, "source": "demo"},
            )
            for task, users in zip(tasks, owners, strict=True)
        ]
        events += [
            AuditEvent(
                event_type="planner.task.done",
                client_id=task.client_id,
                actor=task.done_by,
                changes={"done": [False, True]},
                details={"task_id": task.pk, "subject": task.subject, "source": "demo"},
            )
            for task in tasks
            if task.done_at is not None
        ]
        AuditEvent.objects.bulk_create(events)
    overdue = sum(1 for t in tasks if t.done_at is None and t.due_date < today)
    due_today = sum(1 for t in tasks if t.done_at is None and t.due_date == today)
    return (
        f"Tasks: {len(tasks)} ({overdue} overdue, {due_today} due today), "
        f"assigned to {', '.join(sorted(u.username for u in staff))}."
    )
