from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge


class AuditEvent(models.Model):
    """One change, written by the service that made it (never by signals).

    `client` is set for a change to one client; a bulk action lists its clients in
    AuditEventClient. The foreign keys carry no database constraint, so the log outlives a
    permanently deleted client.
    """

    event_type = models.CharField(_("event"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    changes = models.JSONField(default=dict, blank=True)  # {"field": [old, new]}
    details = models.JSONField(default=dict, blank=True)  # counts, parameters, job id ...

    # The history stays with the id it was written for: a merge does not rewrite it, a
    # permanent deletion leaves it as the record (who deleted the client, when).
    client_relation = ClientRelation(
        OnMerge.KEEP, OnAnonymise.SCRUB, personal_fields=("changes",), on_delete=OnDelete.LEAVE
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="audit_event_client_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} @ {self.created_at:%Y-%m-%d %H:%M}"


class AuditEventClient(models.Model):
    """A client touched by a bulk audit event (inserted set-based, one row per client)."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="targets")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.DO_NOTHING, db_constraint=False, related_name="bulk_audit_events"
    )

    client_relation = ClientRelation(OnMerge.KEEP, OnAnonymise.KEEP, on_delete=OnDelete.LEAVE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "event"], name="audit_auditeventclient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.client_id}"
