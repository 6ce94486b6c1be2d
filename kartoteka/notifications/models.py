"""In-app notifications: a line for one staff member ("your task was completed"), read or not.

Any app creates them through `notifications.services.notification_create` with a `kind` it
registered (`notifications.kinds`), which gives the line its translated title; `text` is the
specific content (e.g. the task's subject and client) and `link` where it leads.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge

TEXT_MAX = 500
LINK_MAX = 500


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=60)
    text = models.CharField(_("text"), max_length=TEXT_MAX)
    link = models.CharField(_("link"), max_length=LINK_MAX, blank=True, default="")
    # Who caused it (e.g. completed the task); None for the system.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The client it is about, if any: its text may carry the client's data (names, a task's subject).
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications", verbose_name=_("client")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    # Merge: they follow the client to the base. Anonymise: the text names the client's affairs
    # and a notification is worth nothing without it: deleted. Delete: deleted with the client.
    client_relation = ClientRelation(
        OnMerge.MOVE, OnAnonymise.DELETE, personal_fields=("text",), on_delete=OnDelete.DELETE
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notifications_recipient_idx"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notifications_unread_idx"),
            models.Index(fields=["client"], name="notifications_client_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(kind__gt=""), name="notifications_notification_kind_set")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
