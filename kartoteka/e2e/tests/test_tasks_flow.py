"""Seed 004's tasks in a real browser: on a client's Terminarz tab add a task in the dialog, see it
on its day of the month calendar at once (no page load), find it in Moje zadania (with the menu's
count), and mark it done there."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.planner.models import Task

pytestmark = pytest.mark.e2e

ROWS = "#results tr[data-client-id]"


def test_an_employee_plans_a_task_on_the_calendar_and_completes_it_from_my_tasks(page, log_in):
    firm = ClientFactory(first_name="Biuro", last_name="Rachunkowe")
    employee = log_in()
    today = timezone.localdate().isoformat()

    # Klienci → Lista klientów: the row's Opcje → Pokaż terminarz opens the client's Terminarz tab.
    row = page.locator(f"{ROWS}[data-client-id='{firm.pk}']")
    row.locator("[data-row-menu]").click()
    row.locator(".dropdown-menu.show [data-menu-tab='calendar']").click()
    page.wait_for_url(f"**/clients/{firm.pk}/calendar/")
    expect(page.locator("a[data-tab='calendar']")).to_have_attribute("aria-current", "page")
    expect(page.locator(f"td[data-day='{today}']")).to_have_attribute("aria-current", "date")
    page.evaluate("window.__ktSamePage = true")

    # Dodaj zadanie: the dialog refuses an empty subject, then saves.
    page.click("#add-task")
    dialog = page.locator("#task-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#task-save").click()
    expect(dialog.locator("#id_subject")).to_have_class("form-control is-invalid")
    assert not Task.objects.exists()
    dialog.locator("#id_subject").fill("Zadzwonić w sprawie umowy")
    dialog.locator("#id_due_date").fill(today)
    dialog.locator("#id_due_time").fill("10:30")
    dialog.locator("#task-save").click()
    expect(dialog).to_be_hidden()
    task = Task.objects.get()
    assert list(task.assignees.all()) == [employee]

    # On its day of the calendar, and in the agenda below, without a page load.
    on_the_day = page.locator(f"td[data-day='{today}'] [data-task-id='{task.pk}']")
    expect(on_the_day).to_contain_text("Zadzwonić w sprawie umowy")
    expect(page.locator(f"#planner-agenda #task-{task.pk}")).to_contain_text("10:30")
    assert page.evaluate("window.__ktSamePage === true")

    # Moje zadania (the menu shows how many are overdue or due today): the task is due today.
    expect(page.locator("#nav-my-tasks [data-count]")).to_have_attribute("data-count", "1")
    page.click("#nav-my-tasks")
    page.wait_for_url("**/tasks/mine/")
    item = page.locator(f"#my-tasks-today [data-task-id='{task.pk}']")
    expect(item).to_contain_text("Zadzwonić w sprawie umowy")
    expect(item).to_contain_text("Biuro Rachunkowe")

    # Mark it done from the list: it moves to the done section and the count goes.
    item.locator("[data-task-action='done']").click()
    expect(page.locator(f"#my-tasks-done [data-task-id='{task.pk}']")).to_be_visible()
    expect(page.locator(f"#my-tasks-today [data-task-id='{task.pk}']")).to_have_count(0)
    expect(page.locator("#nav-my-tasks [data-count]")).to_have_count(0)
    task.refresh_from_db()
    assert task.done_by == employee
    assert page.errors == []
