"""The client page's own tabs: the client's data, its notes and its history."""

from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.tabs import ClientTab, register_client_tab


def _note_count(actor: Actor, client: Client) -> int:
    return client.notes.count()


register_client_tab(
    ClientTab(
        key="client",
        label=_("Client"),
        url_name="clients:detail",
        template="clients/tabs/client.html",
        permission="clients.view_client",
        order=0,
    )
)
register_client_tab(
    ClientTab(
        key="notes",
        label=_("Notes"),
        url_name="clients:notes",
        template="clients/tabs/notes.html",
        permission="clients.view_note",
        order=10,
        badge=_note_count,
        menu_label=_("Show notes"),
        menu_icon="bi-journal-text",
    )
)
register_client_tab(
    ClientTab(
        key="history",
        label=_("History"),
        url_name="clients:history",
        template="clients/tabs/history.html",
        permission="audit.view_auditevent",
        order=1000,  # last, whatever other apps add
        menu_label=_("Show history"),
        menu_icon="bi-clock-history",
    )
)
