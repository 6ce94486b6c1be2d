from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "kartoteka.planner"
    label = "planner"
    verbose_name = "Tasks and calendar"

    def ready(self) -> None:
        # What a completed task tells its creator (notifications.kinds): the title of the kind.
        from kartoteka.planner import notices  # noqa: F401
