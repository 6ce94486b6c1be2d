"""The outbox: one row per e-mail to a client (a bulk message or a business card).

A row is written queued, in the transaction that decides to send it; the worker claims it
(queued -> sending, attempts + 1), hands it to the SMTP server and records the outcome: sent,
queued again with a later `next_attempt_at` (a temporary failure), or failed (a permanent one, or
the last attempt). Rows are never sent from a request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge

SUBJECT_MAX = 255
RECIPIENT_MAX = 254


class Message(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        VCARD = "vcard", _("Business card")

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="outbox_messages")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    recipient = models.CharField(_("recipient"), max_length=RECIPIENT_MAX)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    body = models.TextField(_("body"), blank=True, default="")
    # A business card's .vcf (text/vcard), frozen when it was queued.
    attachment_name = models.CharField(max_length=200, blank=True, default="")
    attachment = models.TextField(blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, default="")  # the sender that holds it
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="sent_messages"
    )
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    # Message bodies and addresses are personal data: anonymising blanks them (the row, its
    # status and time stay, so the tab still shows that something was sent); delete removes them.
    client_relation = ClientRelation(
        OnMerge.MOVE,
        OnAnonymise.SCRUB,
        personal_fields=("recipient", "subject", "body", "attachment", "attachment_name", "last_error"),
        on_delete=OnDelete.DELETE,
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        default_permissions = ("view",)
        permissions = [
            ("send_message", "Can send a message to many clients (bulk)"),
            ("send_vcard", "Can send a client's business card by e-mail"),
        ]
        indexes = [
            # The worker's claim: the due queued rows, oldest first.
            models.Index(fields=["status", "next_attempt_at", "id"], name="messaging_due"),
            # The client's Wiadomości tab and GET /api/clients/{id}/messages, newest first.
            models.Index(fields=["client", "created_at", "id"], name="messaging_client_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed", "skipped"]),
                name="messaging_message_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
