from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "kartoteka.bulk"
    label = "bulk"

    def ready(self) -> None:
        # Every app's bulk_actions.py registers its actions now, before the API builds its endpoints.
        from kartoteka.bulk.registry import discover

        discover()
