from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kartoteka.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The unread notifications show on the top bar's bell (jobs.bell: a section of it).
        from kartoteka.notifications import bell  # noqa: F401
