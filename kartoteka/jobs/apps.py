from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "kartoteka.jobs"
    label = "jobs"

    def ready(self) -> None:
        # Every app's job_kinds.py registers the kinds of work it runs in the background.
        from kartoteka.jobs.kinds import discover

        discover()
