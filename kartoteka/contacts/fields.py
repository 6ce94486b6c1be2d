"""The one declaration of a contact person's editable fields (like clients.fields for a client).

The service, validation, the web form, the API, the history labels and the personal-data list of
anonymisation read these tuples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class ContactField:
    name: str
    label: str | _StrPromise
    max_length: int = 0  # of the stored (normalised) value; 0 for the flags
    required: bool = False
    flag: bool = False  # a yes/no field
    personal: bool = True
    searchable: bool = False  # the client list's search finds the client by it
    input_max_length: int | None = None
    input_type: str = ""
    icon: str = ""  # a flag's icon in the list
    multi_line: bool = False  # keeps tabs and line breaks


CONTACT_FIELDS: tuple[ContactField, ...] = (
    ContactField("first_name", _("First name"), 100, required=True, searchable=True),
    ContactField("last_name", _("Last name"), 100, required=True, searchable=True),
    ContactField("email", _("E-mail"), 254, searchable=True, input_type="email"),
    ContactField("phone", _("Phone"), 20, searchable=True, input_max_length=40, input_type="tel"),
    ContactField("position", _("Position"), 100),
    ContactField("is_contact_person", _("Contact person"), flag=True, personal=False, icon="bi-person-check"),
    ContactField("may_collect_mail", _("May collect mail"), flag=True, personal=False, icon="bi-envelope-check"),
    ContactField("may_represent", _("May represent"), flag=True, personal=False, icon="bi-briefcase"),
    ContactField("id_document_number", _("ID document number"), 20, input_max_length=40),
    ContactField("additional_info", _("Additional information"), 5000, multi_line=True),
)

BY_NAME: dict[str, ContactField] = {f.name: f for f in CONTACT_FIELDS}
EDITABLE: tuple[str, ...] = tuple(f.name for f in CONTACT_FIELDS)
FLAGS: tuple[ContactField, ...] = tuple(f for f in CONTACT_FIELDS if f.flag)
TEXTS: tuple[ContactField, ...] = tuple(f for f in CONTACT_FIELDS if not f.flag)
SEARCHABLE: tuple[str, ...] = tuple(f.name for f in CONTACT_FIELDS if f.searchable)
PERSONAL: tuple[str, ...] = tuple(f.name for f in CONTACT_FIELDS if f.personal)


def label_of(name: str) -> str | None:
    field = BY_NAME.get(name)
    return str(field.label) if field else None
