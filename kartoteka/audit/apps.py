from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kartoteka.audit"
    label = "audit"
    verbose_name = "Audit"
