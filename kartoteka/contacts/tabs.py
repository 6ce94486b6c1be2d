"""The client page's "Contact persons" tab, offered in the client list row's Options menu too."""

from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.tabs import ClientTab, register_client_tab


def _contact_count(actor: Actor, client: Client) -> int:
    return client.contact_persons.count()


register_client_tab(
    ClientTab(
        key="contacts",
        label=_("Contact persons"),
        url_name="contacts:list",
        template="contacts/tabs/contacts.html",
        permission="contacts.view_contactperson",
        order=5,  # right after the client's own data
        badge=_contact_count,
        menu_label=_("Show contact persons"),
        menu_icon="bi-person-lines-fill",
    )
)
