from django.db.models import Q, QuerySet

from kartoteka.audit.models import AuditEvent, AuditEventClient


def client_history(*, client_id: int) -> QuerySet[AuditEvent]:
    """Every event about one client: its own changes and the bulk actions that included it."""
    bulk_events = AuditEventClient.objects.filter(client_id=client_id).values("event_id")
    return (
        AuditEvent.objects.filter(Q(client_id=client_id) | Q(id__in=bulk_events))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
