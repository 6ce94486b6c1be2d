from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "kartoteka.core"
    label = "core"

    def ready(self) -> None:
        autodiscover_modules("tabs")  # each app's tabs.py registers its client-page tabs
        autodiscover_modules("settings_pages")  # each app's settings_pages.py registers its Settings pages
