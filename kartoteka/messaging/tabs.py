"""The client page's Wiadomości tab (with the number of failed messages), the "Send business card"
entry of the row's Options menu and the client page, and how message events read on the History tab."""

from django.utils.translation import gettext_lazy as _

from kartoteka.audit.titles import register_event_titles
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.tabs import ClientMenuEntry, ClientTab, register_client_menu_entry, register_client_tab
from kartoteka.messaging import selectors


def _failed(actor: Actor, client: Client) -> int | None:
    return selectors.client_message_problems(actor=actor, client=client) or None


register_client_tab(
    ClientTab(
        key="messages",
        label=_("Messages"),
        url_name="messaging:client_tab",
        template="messaging/tabs/messages.html",
        permission="messaging.view_message",
        order=35,  # after Mail
        badge=_failed,
    )
)
register_client_menu_entry(
    ClientMenuEntry(
        key="send_vcard",
        menu_label=_("Send business card"),
        url_name="messaging:send_vcard",
        permission="messaging.send_vcard",
        menu_icon="bi-person-vcard",
    )
)
register_event_titles(
    {
        "messaging.message.queued": _("Message sent (bulk action)"),
        "messaging.vcard.queued": _("Business card sent to %(recipient)s: %(subject)s"),
    }
)
