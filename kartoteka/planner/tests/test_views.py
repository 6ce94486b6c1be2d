"""The Terminarz tab, its dialogs, Moje zadania and its menu badge, the Zadania list, as a user sees them."""

import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.planner.models import Task
from kartoteka.planner.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_the_calendar_shows_the_month_monday_first_with_today_and_the_clients_tasks(employee_client, employee):
    client = ClientFactory()
    today = timezone.localdate()
    task = TaskFactory(
        client=client, subject="Zadzwonić", due_date=today, due_time=dt.time(9, 30), assignees=[employee]
    )
    TaskFactory(subject="Cudze zadanie", due_date=today)  # another client's
    page = employee_client.get(reverse("planner:client_tab", args=[client.pk])).content.decode()
    assert 'data-tab="calendar"' in page
    assert page.index(">Mon<") < page.index(">Sun<")
    assert f'data-day="{today:%Y-%m-%d}" aria-current="date"' in page
    cell = page.split(f'data-day="{today:%Y-%m-%d}"')[1].split("</td>")[0]
    assert "Zadzwonić" in cell
    assert "09:30" in cell
    assert f'id="task-{task.pk}"' in page  # the agenda
    assert "Cudze zadanie" not in page


def test_the_month_names_are_polish_in_polish(client, employee, settings):
    settings.LANGUAGE_CODE = "pl"
    client.force_login(employee)
    page = client.get(reverse("planner:client_tab", args=[ClientFactory().pk]), {"month": "2026-03"}).content.decode()
    assert "marzec 2026" in page.lower()
    assert ">pon<" in page.lower() or ">pn<" in page.lower()


def test_previous_and_next_month_load_by_htmx_and_push_the_url(employee_client):
    client = ClientFactory()
    url = reverse("planner:client_tab", args=[client.pk])
    response = employee_client.get(url, {"month": "2026-01"}, **HTMX)
    text = response.content.decode()
    assert "<html" not in text  # only the tab's content
    assert 'data-month="2026-01"' in text
    assert f"{url}?month=2025-12" in text
    assert f"{url}?month=2026-02" in text
    assert response["HX-Push-Url"] == f"{url}?month=2026-01"


def test_adding_a_task_in_the_dialog_shows_it_on_the_calendar_at_once(employee_client, employee):
    client = ClientFactory()
    url = reverse("planner:create", args=[client.pk])
    dialog = employee_client.get(url, {"day": _day(2).isoformat()}, **HTMX).content.decode()
    assert 'id="task-dialog"' in dialog
    assert f'value="{_day(2).isoformat()}"' in dialog
    bad = employee_client.post(
        url, {"subject": "", "due_date": _day(2).isoformat(), "assignees": [employee.pk]}, **HTMX
    )
    assert "is-invalid" in bad.content.decode()
    assert not Task.objects.exists()
    saved = employee_client.post(
        url, {"subject": "Wysłać umowę", "due_date": _day(2).isoformat(), "assignees": [employee.pk]}, **HTMX
    )
    assert saved["HX-Trigger"] == "kt-dialog-done, kt-tasks-changed"  # closes the dialog, refreshes the menu's count
    assert saved["HX-Retarget"] == "#planner-calendar"
    task = Task.objects.get()
    assert f'data-task-id="{task.pk}"' in saved.content.decode()
    assert list(task.assignees.all()) == [employee]


def test_editing_a_stale_copy_is_refused_with_a_message(employee_client, employee):
    task = TaskFactory(subject="Stary", assignees=[employee])
    Task.objects.filter(pk=task.pk).update(version=5)
    response = employee_client.post(
        reverse("planner:edit", args=[task.pk]),
        {"subject": "Nowy", "due_date": task.due_date.isoformat(), "assignees": [employee.pk], "version": 1},
        **HTMX,
    )
    assert "changed this task meanwhile" in response.content.decode()
    assert Task.objects.get(pk=task.pk).subject == "Stary"


def test_my_tasks_lists_overdue_today_upcoming_and_done_and_marks_done_from_the_list(
    employee_client, employee, manager
):
    overdue = TaskFactory(subject="Zaległe", due_date=_day(-3), assignees=[employee])
    today = TaskFactory(subject="Dzisiejsze", due_date=_day(0), assignees=[employee])
    later = TaskFactory(subject="Późniejsze", due_date=_day(4), assignees=[employee])
    TaskFactory(subject="Kolegi", due_date=_day(0), assignees=[manager])
    page = employee_client.get(reverse("planner:mine")).content.decode()
    sections = {
        name: page.split(f'id="my-tasks-{name}"')[1].split("</section>")[0]
        for name in ("overdue", "today", "upcoming", "done")
    }
    assert "Zaległe" in sections["overdue"]
    assert "Dzisiejsze" in sections["today"]
    assert "Późniejsze" in sections["upcoming"]
    assert "Kolegi" not in page
    badge = employee_client.get(reverse("planner:badge")).content.decode()
    assert 'data-count="2"' in badge
    response = employee_client.post(
        reverse("planner:done", args=[today.pk]), {"version": today.version, "view": "mine"}, **HTMX
    )
    assert response["HX-Trigger"] == "kt-tasks-changed"
    after = response.content.decode()
    assert "Dzisiejsze" in after.split('id="my-tasks-done"')[1]
    assert 'data-count="1"' in employee_client.get(reverse("planner:badge")).content.decode()
    assert overdue.pk
    assert later.pk


def test_an_archived_clients_open_tasks_leave_my_tasks_and_the_badge(employee_client, employee):
    archived = ClientFactory(status="inactive", archived_at=timezone.now())
    TaskFactory(client=archived, subject="Byłego klienta", due_date=_day(-1), assignees=[employee])
    TaskFactory(client=archived, subject="Też byłego", due_date=_day(2), assignees=[employee])
    TaskFactory(subject="Bieżące", due_date=_day(0), assignees=[employee])
    page = employee_client.get(reverse("planner:mine")).content.decode()
    assert "Bieżące" in page
    assert "Byłego klienta" not in page
    assert "Też byłego" not in page
    assert 'data-count="1"' in employee_client.get(reverse("planner:badge")).content.decode()


def test_the_menu_offers_my_tasks_and_loads_its_badge(employee_client):
    page = employee_client.get(reverse("clients:list")).content.decode()
    assert f'href="{reverse("planner:mine")}"' in page
    assert f'hx-get="{reverse("planner:badge")}"' in page


def test_the_tasks_list_filters_like_the_api(employee_client, employee):
    mine = TaskFactory(subject="Moje", assignees=[employee])
    TaskFactory(subject="Nie moje")
    page = employee_client.get(reverse("planner:list"), {"assignee": employee.pk}).content.decode()
    assert f'data-task-id="{mine.pk}"' in page
    assert "Nie moje" not in page
    bad = employee_client.get(reverse("planner:list"), {"due_from": "jutro"}).content.decode()
    assert "Enter a date as YYYY-MM-DD." in bad


def test_an_employee_cannot_delete_but_a_manager_can(employee_client, manager, employee):
    task = TaskFactory(assignees=[employee])
    assert employee_client.post(reverse("planner:delete", args=[task.pk])).status_code == 403
    as_manager = HttpClient()
    as_manager.force_login(manager)
    response = as_manager.post(reverse("planner:delete", args=[task.pk]))
    assert response.status_code == 302
    assert not Task.objects.exists()


def test_task_changes_read_as_sentences_in_the_clients_history(employee_client, employee):
    from kartoteka.planner import services

    client = ClientFactory()
    task = services.task_create(
        actor=employee, client=client, data={"subject": "Wysłać fakturę", "due_date": _day(1).isoformat()}
    )
    services.task_mark_done(actor=employee, task=task)
    page = employee_client.get(reverse("clients:history", args=[client.pk])).content.decode()
    assert "Task created: Wysłać fakturę" in page
    assert "Task done: Wysłać fakturę" in page


def test_done_and_delete_from_the_calendar_refresh_it_in_place(employee_client, manager, employee):
    task = TaskFactory(subject="Do odhaczenia", due_date=_day(0), assignees=[employee])
    tab = reverse("planner:client_tab", args=[task.client_id])
    done = employee_client.post(
        reverse("planner:done", args=[task.pk]),
        {"version": task.version, "view": "tab", "month": f"{_day(0):%Y-%m}"},
        **HTMX,
    )
    assert 'id="planner-calendar"' in done.content.decode()
    assert f'id="task-{task.pk}" data-task-id="{task.pk}" data-done="1"' in done.content.decode()
    as_manager = HttpClient(headers={"HX-Request": "true"})
    as_manager.force_login(manager)
    dialog = as_manager.get(reverse("planner:delete", args=[task.pk])).content.decode()
    assert 'id="task-dialog"' in dialog
    deleted = as_manager.post(reverse("planner:delete", args=[task.pk]))
    assert deleted["HX-Trigger"] == "kt-dialog-done, kt-tasks-changed"
    assert "Do odhaczenia" not in deleted.content.decode()
    assert not Task.objects.exists()
    assert tab in deleted.content.decode()


def test_an_archived_clients_calendar_is_read_only(employee_client, employee):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    TaskFactory(client=client, subject="Stare", due_date=_day(0), assignees=[employee])
    page = employee_client.get(reverse("planner:client_tab", args=[client.pk])).content.decode()
    assert "Stare" in page
    assert 'id="add-task"' not in page
    assert 'data-task-action="done"' not in page
    refused = employee_client.get(reverse("planner:create", args=[client.pk]))
    assert refused.status_code == 302
