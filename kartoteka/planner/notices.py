"""The notification a task's creator gets when someone else completes it (notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from kartoteka.notifications.kinds import register_notification_kind

register_notification_kind("planner.task_done", _("Task completed"))
