"""How the client's History tab names contact-person events and their fields."""

from django.utils.translation import gettext_lazy as _

from kartoteka.audit.titles import register_event_titles, register_field_labels
from kartoteka.contacts import fields

register_event_titles(
    {
        "contacts.contact.created": _("Contact person added: %(contact_name)s"),
        "contacts.contact.updated": _("Contact person changed: %(contact_name)s"),
        "contacts.contact.deleted": _("Contact person removed: %(contact_name)s"),
    }
)
register_field_labels({f.name: f.label for f in fields.CONTACT_FIELDS})
