from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "kartoteka.messaging"
    label = "messaging"
    verbose_name = "Messages to clients"

    def ready(self) -> None:
        # The worker's look-after also re-queues messages whose sender died and wakes the outbox.
        from kartoteka.jobs.maintenance import register_maintenance
        from kartoteka.messaging.services import outbox_maintain

        register_maintenance("messages", outbox_maintain)
