"""The client list's Integracje column: the case-history icon for clients with a portal account (seed 002)."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext_lazy as _

from kartoteka.clients.integrations import RowIntegration, register_row_integration
from kartoteka.core.actors import Actor
from kartoteka.portal.models import PortalUser


def _with_portal(actor: Actor, client_ids: Collection[int]) -> set[int]:
    """Of these clients, those with a portal account: one query for the whole page."""
    rows = PortalUser.objects.filter(client_id__in=list(client_ids)).values_list("client_id", flat=True).distinct()
    return set(rows)


register_row_integration(
    RowIntegration(
        key="portal",
        title=_("Has a client portal account: case history"),
        icon="bi-clock-history text-primary",
        permission="cases.view_case",
        marked=_with_portal,
        url_name="cases:client_tab",
    )
)
