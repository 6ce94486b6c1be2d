from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kartoteka.cases"
    label = "cases"
    verbose_name = "Cases"
