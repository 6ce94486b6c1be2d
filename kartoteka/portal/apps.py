from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kartoteka.portal"
    label = "portal"
    verbose_name = "Client portal"

    def ready(self) -> None:
        from kartoteka.portal import integrations  # noqa: F401 -- registers the list's portal mark
