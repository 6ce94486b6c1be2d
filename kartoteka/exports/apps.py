from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "kartoteka.exports"
    label = "exports"
    verbose_name = "Exports"
