from django.apps import AppConfig


class MailroomConfig(AppConfig):
    name = "kartoteka.mailroom"
    label = "mailroom"
    verbose_name = "Correspondence"
