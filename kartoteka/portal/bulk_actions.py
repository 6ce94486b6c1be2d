"""Bulk "Zablokuj użytkowników" / "Odblokuj użytkowników": the portal users of the selected clients.

Set-based: one UPDATE of the portal users of a chunk's clients. A client with no portal user, or
with none left to change, is skipped and reported. A blocked user's open session ends at their
next request (portal.sessions).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kartoteka.bulk.registry import CLIENTS, BulkAction, BulkContext, Skip, register
from kartoteka.clients.models import Client
from kartoteka.portal.models import PortalUser
from kartoteka.portal.services import BLOCK_PERMISSION, block_rows, unblock_rows


def _users(**conditions: object) -> Exists:
    return Exists(PortalUser.objects.filter(client=OuterRef("pk"), **conditions))


NO_USERS = Skip("no_portal_users", _("has no portal users"), lambda p: Q(~_users()))


def _block(clients: QuerySet[Client], ctx: BulkContext) -> int:
    changed = clients.count()
    block_rows(PortalUser.objects.filter(client__in=clients), now=ctx.now)
    return changed


def _unblock(clients: QuerySet[Client], ctx: BulkContext) -> int:
    changed = clients.count()
    unblock_rows(PortalUser.objects.filter(client__in=clients))
    return changed


register(
    BulkAction(
        name="block_users",
        label=_("Block users"),
        permission=BLOCK_PERMISSION,
        lists=(CLIENTS,),
        event_type="portal.users.blocked",
        skips=(
            NO_USERS,
            Skip("users_blocked", _("its portal users are blocked already"), lambda p: Q(~_users(blocked_at=None))),
        ),
        apply=_block,
        summary=ngettext_lazy(
            "The portal users of %(count)s client will be blocked and logged out.",
            "The portal users of %(count)s clients will be blocked and logged out.",
            "count",
        ),
        done=ngettext_lazy(
            "The portal users of %(count)s client are blocked.",
            "The portal users of %(count)s clients are blocked.",
            "count",
        ),
        warning=_("Blocked users cannot log in to the client portal; anyone logged in is logged out at once."),
        icon="bi-person-lock",
    )
)

register(
    BulkAction(
        name="unblock_users",
        label=_("Unblock users"),
        permission=BLOCK_PERMISSION,
        lists=(CLIENTS,),
        event_type="portal.users.unblocked",
        skips=(
            NO_USERS,
            Skip(
                "users_not_blocked",
                _("none of its portal users is blocked"),
                lambda p: Q(~_users(blocked_at__isnull=False)),
            ),
        ),
        apply=_unblock,
        summary=ngettext_lazy(
            "The portal users of %(count)s client will be unblocked.",
            "The portal users of %(count)s clients will be unblocked.",
            "count",
        ),
        done=ngettext_lazy(
            "The portal users of %(count)s client are unblocked.",
            "The portal users of %(count)s clients are unblocked.",
            "count",
        ),
        warning=_("They can log in again (a client in the archive only after it is restored)."),
        icon="bi-person-check",
    )
)
