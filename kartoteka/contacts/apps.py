from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "kartoteka.contacts"
    label = "contacts"
    verbose_name = "Contact persons"

    def ready(self) -> None:
        # The client list's search finds a client by its contact persons (see contacts.search).
        # The History tab names contact-person events (contacts.history).
        from kartoteka.contacts import history, search  # noqa: F401
