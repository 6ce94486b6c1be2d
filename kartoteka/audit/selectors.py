"""Reads of the audit log. Each checks that the actor may see the log (`audit.view_auditevent`)."""

from django.db.models import Q, QuerySet

from kartoteka.audit.models import AuditEvent, AuditEventClient
from kartoteka.core.actors import Actor
from kartoteka.core.permissions import require_perm


def audit_scope(*, actor: Actor) -> QuerySet[AuditEvent]:
    """Every audit event the actor may see (today: all of them, with the permission; else none)."""
    require_perm(actor, "audit.view_auditevent")
    return AuditEvent.objects.all()


def client_history(*, actor: Actor, client_id: int) -> QuerySet[AuditEvent]:
    """Every event about one client: its own changes and the bulk actions that included it."""
    bulk_events = AuditEventClient.objects.filter(client_id=client_id).values("event_id")
    return (
        audit_scope(actor=actor)
        .filter(Q(client_id=client_id) | Q(id__in=bulk_events))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
