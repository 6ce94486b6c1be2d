"""Permission checks used by services, so the UI and the API enforce the same rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from kartoteka.core.actors import Actor
from kartoteka.core.errors import PermissionDenied

if TYPE_CHECKING:
    pass


def require_perm(actor: Actor, perm: str) -> None:
    """Raise PermissionDenied unless the actor holds `perm` ("app_label.codename")."""
    if not (actor.is_active and actor.has_perm(perm)):
        raise PermissionDenied(_("You do not have permission to do this."))
