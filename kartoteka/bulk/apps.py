from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "kartoteka.bulk"
    label = "bulk"
