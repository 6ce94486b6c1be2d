"""How the client's History tab names contact-person events and their fields."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kartoteka.audit.titles import register_event_titles, register_field_labels
from kartoteka.clients.validation import format_phone
from kartoteka.contacts import fields

register_event_titles(
    {
        "contacts.contact.created": _("Contact person added: %(contact_name)s"),
        "contacts.contact.updated": _("Contact person changed: %(contact_name)s"),
        "contacts.contact.deleted": _("Contact person removed: %(contact_name)s"),
    }
)


def _reads(name: str, value: Any) -> str | None:
    """A recorded phone as the person's card shows it (national form); the rest as the client's read."""
    return format_phone(str(value)) if name == "phone" else None


# Their own labels, for contact-person events only: a person's "first_name" is not the client's.
register_field_labels({f.name: f.label for f in fields.CONTACT_FIELDS}, events="contacts.", value=_reads)
