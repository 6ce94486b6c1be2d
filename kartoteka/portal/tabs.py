"""The client page's "Konto klienta" (client account) tab: its portal users, invite, block, unblock."""

from django.utils.translation import gettext_lazy as _

from kartoteka.audit.titles import register_event_titles
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.tabs import ClientTab, register_client_tab


def _user_count(actor: Actor, client: Client) -> int | None:
    return client.portal_users.count() or None


register_client_tab(
    ClientTab(
        key="portal",
        label=_("Client account"),
        url_name="portal_staff:client_tab",
        template="portal/staff/tab.html",
        permission="portal.view_portaluser",
        order=40,
        badge=_user_count,
        icon="bi-person-badge",
    )
)
register_event_titles(
    {
        "portal.user.invited": _("Invited to the client portal: %(email)s"),
        "portal.user.activated": _("Portal account activated: %(email)s"),
        "portal.user.password_reset": _("Portal password reset: %(email)s"),
        "portal.user.blocked": _("Portal user blocked: %(email)s"),
        "portal.user.unblocked": _("Portal user unblocked: %(email)s"),
        "portal.users.blocked": _("Portal users blocked"),
        "portal.users.unblocked": _("Portal users unblocked"),
    }
)
