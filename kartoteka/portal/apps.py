from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kartoteka.portal"
    label = "portal"
    verbose_name = "Client portal"
