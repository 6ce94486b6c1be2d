from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "kartoteka.jobs"
    label = "jobs"
