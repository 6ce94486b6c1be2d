"""The client page's Terminarz tab (with the number of tasks still to do), offered in the client
list row's Options menu, and how task events read on the History tab."""

from django.utils.translation import gettext_lazy as _

from kartoteka.audit.titles import register_event_titles, register_field_labels
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.tabs import ClientTab, register_client_tab
from kartoteka.planner import selectors


def _open_tasks(actor: Actor, client: Client) -> int:
    return selectors.client_open_task_count(actor=actor, client=client)


register_client_tab(
    ClientTab(
        key="calendar",
        label=_("Calendar"),
        url_name="planner:client_tab",
        template="planner/tabs/calendar.html",
        permission="planner.view_task",
        order=25,  # after Cases
        badge=_open_tasks,
        menu_label=_("Show calendar"),
        menu_icon="bi-calendar3",
    )
)
register_event_titles(
    {
        "planner.task.created": _("Task created: %(subject)s"),
        "planner.task.updated": _("Task changed: %(subject)s"),
        "planner.task.done": _("Task done: %(subject)s"),
        "planner.task.reopened": _("Task reopened: %(subject)s"),
        "planner.task.deleted": _("Task deleted: %(subject)s"),
        "planner.task.bulk_created": _("Task created (bulk action)"),
    }
)
register_field_labels(
    {
        "subject": _("Subject"),
        "body": _("Body"),
        "due_date": _("Due date"),
        "due_time": _("Time"),
        "assignees": _("Assigned to"),
        "case": _("Case"),
        "notify_creator": _("Notify me when it is done"),
        "done": _("Done"),
    }
)
