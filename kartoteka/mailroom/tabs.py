"""The client page's Poczta tab (with the number of items waiting at the office), offered in the
client list row's Options menu as "Show mail", and how mail events read on the History tab."""

from django.utils.translation import gettext_lazy as _

from kartoteka.audit.titles import register_event_titles, register_field_labels
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.tabs import ClientTab, register_client_tab
from kartoteka.mailroom import selectors


def _waiting(actor: Actor, client: Client) -> int | None:
    return selectors.mail_waiting_count(actor=actor, client=client) or None


register_client_tab(
    ClientTab(
        key="mail",
        label=_("Mail"),
        url_name="mailroom:client_tab",
        template="mailroom/tabs/mail.html",
        permission="mailroom.view_mailitem",
        order=30,
        badge=_waiting,
        menu_label=_("Show mail"),
        menu_icon="bi-envelope",
    )
)
register_event_titles(
    {
        "mailroom.mail.received": _("Mail received: %(sender)s"),
        "mailroom.mail.updated": _("Mail item changed: %(sender)s"),
        "mailroom.mail.collected": _("Mail collected by %(contact_name)s: %(sender)s"),
        "mailroom.mail.forwarded": _("Mail forwarded: %(sender)s"),
        "mailroom.mail.scanned": _("Mail scanned: %(sender)s"),
        "mailroom.mail.deleted": _("Mail item deleted: %(sender)s"),
    }
)
register_field_labels(
    {
        "received_on": _("Received"),
        "sender": _("Sender"),
        "kind": _("Type"),
        "forwarded_to": _("Forwarded to"),
    }
)
